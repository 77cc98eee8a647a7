/// The wait before a source's next attempt after consecutive failures: exponential from `base`, capped at
/// `max`, with "equal jitter" (uniform in [cap/2, cap]) so that sources restarted together spread out yet
/// never hammer a registry that is down with near-zero waits. A pure value; randomness is injected.
public struct DiscoveryBackoff: Sendable, Hashable {
    public struct Configuration: Sendable, Hashable {
        /// The cap of the first wait (default 100 ms).
        public var base: Duration
        /// The largest wait (default 2 s): a registry that comes back is found again within this.
        public var max: Duration

        public init(base: Duration = .milliseconds(100), max: Duration = .seconds(2)) {
            self.base = base
            self.max = max
        }

        /// Throws when `base` is not positive or `max` is below `base`.
        public func validate() throws(DiscoveryConfigurationError) {
            guard base > .zero else { throw DiscoveryConfigurationError(field: "backoff.base", "must be positive") }
            guard max >= base else { throw DiscoveryConfigurationError(field: "backoff.max", "must be at least backoff.base") }
        }
    }

    public let configuration: Configuration
    /// Failures since the last success.
    public private(set) var failures = 0

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The cap for the wait after `failures` consecutive failures (≥ 1): base × 2^(failures-1), at most `max`.
    public func cap(afterFailures failures: Int) -> Duration {
        let maxNanos = Self.nanoseconds(configuration.max)
        var cap = Self.nanoseconds(configuration.base)
        var doublings = Swift.max(0, failures - 1)
        while doublings > 0 && cap < maxNanos {
            cap = cap > maxNanos / 2 ? maxNanos : cap * 2
            doublings -= 1
        }
        return .nanoseconds(Swift.min(cap, maxNanos))
    }

    /// Records a failure and returns how long to wait before the next attempt.
    public mutating func nextDelay<R: RandomNumberGenerator>(using generator: inout R) -> Duration {
        if failures < Int.max { failures += 1 }
        let cap = Self.nanoseconds(cap(afterFailures: failures))
        let half = cap / 2
        return .nanoseconds(half + Int64.random(in: 0...(cap - half), using: &generator))
    }

    /// Records a success: the next failure waits about `base` again.
    public mutating func reset() { failures = 0 }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? 0 : Int64.max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow2 ? Int64.max : Swift.max(0, sum)
    }
}

/// A discovery setting that cannot work, naming the field (the route-file parser maps it to file:line:col).
public struct DiscoveryConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
