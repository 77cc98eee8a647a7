internal import Synchronization

/// The open connections of one transport (one endpoint's, in a cluster), counted where each connects and closes:
/// what `/admin/services` and `sluice_upstream_connections` show. Relaxed: it is read by people, not decisions.
public final class ConnectionGauge: Sendable {
    private let count = Atomic<Int>(0)

    public init() {}

    package func opened() { count.add(1, ordering: .relaxed) }

    package func closed() { count.subtract(1, ordering: .relaxed) }

    public var value: Int { count.load(ordering: .relaxed) }
}
