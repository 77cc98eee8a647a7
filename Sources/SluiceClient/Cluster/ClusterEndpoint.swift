internal import NIOCore
internal import Synchronization

/// One endpoint of a cluster and the transport that reaches it, with the count of attempts in flight on it, so
/// a removed endpoint is drained rather than cut: its transport shuts down once its last attempt has ended.
///
/// One atomic word holds the count and a "retired" bit, so retiring and the last attempt's end agree on who
/// shuts the transport down without a lock: whoever leaves the word at exactly `retiredBit` does.
final class ClusterEndpoint<Wire: ClusterWire>: Sendable {
    let endpoint: Endpoint
    /// `host:port`, made once: what an answered call names as its endpoint (``ClusterWire/note(_:endpoint:attempts:)``).
    let label: String
    let transport: Wire.Transport
    private let state = Atomic<Int>(0)
    /// What operators count (``EndpointStatus``): attempts sent, of them retries and hedges, and how many failed
    /// or timed out. Relaxed adds, apart from the word the drain reads.
    private let sent = Atomic<Int>(0)
    private let retries = Atomic<Int>(0)
    private let hedges = Atomic<Int>(0)
    private let failures = Atomic<Int>(0)
    private let timeouts = Atomic<Int>(0)
    private let shutDown = Atomic<Bool>(false)
    private let onDrained: @Sendable (ClusterEndpoint) -> Void

    private static var retiredBit: Int { 1 << 40 }

    /// `onDrained` runs once, after a retired endpoint's last attempt ended, off the request path.
    init(endpoint: Endpoint, transport: Wire.Transport, onDrained: @escaping @Sendable (ClusterEndpoint) -> Void) {
        self.endpoint = endpoint
        self.label = endpoint.description
        self.transport = transport
        self.onDrained = onDrained
    }

    func attemptStarted(_ kind: AttemptKind = .first) {
        state.add(1, ordering: .relaxed)
        sent.add(1, ordering: .relaxed)
        switch kind {
        case .first: break
        case .retry: retries.add(1, ordering: .relaxed)
        case .hedge: hedges.add(1, ordering: .relaxed)
        }
    }

    /// An attempt ended with `outcome` (nil: it did not count, as a cancelled one).
    func attemptEnded(_ outcome: AttemptOutcome?) {
        if case .failure(let failure)? = outcome {
            failures.add(1, ordering: .relaxed)
            if failure.kind == .timeout { timeouts.add(1, ordering: .relaxed) }
        }
        attemptEnded()
    }

    /// The counts so far, for ``EndpointStatus``.
    var counts: EndpointStatus.Counts {
        EndpointStatus.Counts(
            attempts: sent.load(ordering: .relaxed), retries: retries.load(ordering: .relaxed),
            hedges: hedges.load(ordering: .relaxed), failures: failures.load(ordering: .relaxed),
            timeouts: timeouts.load(ordering: .relaxed))
    }

    func attemptEnded() {
        if state.subtract(1, ordering: .acquiringAndReleasing).newValue == Self.retiredBit { drain() }
    }

    /// The endpoint left the set: no new attempt picks it once the loops have the new set.
    func retire() {
        if state.add(Self.retiredBit, ordering: .acquiringAndReleasing).newValue == Self.retiredBit { drain() }
    }

    var isRetired: Bool { state.load(ordering: .relaxed) >= Self.retiredBit }

    /// Attempts in flight on this endpoint, from every loop.
    var inFlight: Int { state.load(ordering: .relaxed) & (Self.retiredBit - 1) }

    var isShutDown: Bool { shutDown.load(ordering: .relaxed) }

    private func drain() {
        Task {
            await shutdown()
            onDrained(self)
        }
    }

    /// Shuts the transport down once, whoever asks first (drain or the client's shutdown).
    func shutdown() async {
        guard !shutDown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await Wire.shutdown(transport)
    }
}

/// Why an attempt was sent: the call's first, a retry after a failure, or a hedge beside one still waiting.
enum AttemptKind: Sendable {
    case first
    case retry
    case hedge
}
