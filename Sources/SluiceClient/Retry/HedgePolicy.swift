public import NIOCore

/// Backup requests (Kitex's): when an attempt has not answered after `delay`, another goes to a different
/// endpoint, up to `maxExtra` more; the first answer wins. Setting it says the call may run twice.
public struct HedgePolicy: Sendable, Hashable {
    public enum Delay: Sendable, Hashable, CustomStringConvertible {
        case fixed(TimeAmount)
        /// A percentile (50...99.9) of the service's recent latency (``LatencyDigest``).
        case percentile(Double)

        /// `p95`, `p99.9`: the percentile form; fixed durations are read by the route file's duration syntax.
        public init(percentile text: String) throws(PolicyError) {
            guard text.first == "p", let value = Double(text.dropFirst()), value.isFinite, value > 0, value < 100
            else {
                throw PolicyError(
                    field: "hedge.delay", "expected a duration or a percentile such as p95 or p99.9, not '\(text)'")
            }
            self = .percentile(value)
        }

        public var description: String {
            switch self {
            case .fixed(let amount): "\(amount.nanoseconds / 1_000_000)ms"
            case .percentile(let value):
                value == value.rounded() ? "p\(Int(value))" : "p\(value)"
            }
        }
    }

    /// A percentile delay hedges nothing until the digest holds this many samples: a tail estimated from a
    /// handful of calls would send backups at random.
    public static let minimumSamples = 20

    public var delay: Delay
    /// Extra attempts at most; default 1.
    public var maxExtra: Int

    public init(delay: Delay, maxExtra: Int = 1) {
        self.delay = delay
        self.maxExtra = maxExtra
    }

    public func validate() throws(PolicyError) {
        switch delay {
        case .fixed(let amount):
            guard amount > .zero else { throw PolicyError(field: "hedge.delay", "must be positive") }
        case .percentile(let value):
            guard value.isFinite, value > 0, value < 100 else {
                throw PolicyError(field: "hedge.delay", "a percentile must be between p0 and p100, not p\(value)")
            }
        }
        guard maxExtra >= 1 else { throw PolicyError(field: "hedge.max_extra", "must be at least 1, not \(maxExtra)") }
    }

    /// How long to wait before sending a backup, given the service's recent latency; nil sends none (a
    /// percentile delay with fewer than ``minimumSamples`` samples).
    public func hedgeDelay(recent digest: LatencyDigest) -> TimeAmount? {
        switch delay {
        case .fixed(let amount): return amount
        case .percentile(let value):
            guard digest.count >= Self.minimumSamples else { return nil }
            return digest.quantile(value / 100)
        }
    }
}
