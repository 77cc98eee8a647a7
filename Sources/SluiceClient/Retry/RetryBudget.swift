public import NIOCore
internal import Synchronization

/// Caps retries across a service, as Envoy's retry budget and Finagle's `RetryBudget` do: a retry may start
/// while retries in flight are under `ratio` × requests in flight (rounded down), or while this second's floor
/// of `minPerSecond` retries is not yet spent. Retries the floor let through count as in flight too, so the
/// ratio admits more only once all retries in flight are back under it. When every attempt fails the extra load stays near `ratio`
/// instead of multiplying by `max_attempts`, and a quiet service can still retry its few failures.
///
/// One per service, shared by all its event loops, on atomics (no lock): a per-loop budget would see a
/// fraction of the in-flight requests, so a loop with one request could never retry (0.2 × 1 < 1) while the
/// service is mostly idle, and the per-second floor would multiply by the number of loops. Each check is a
/// few relaxed loads and one compare-exchange; two loops racing may overshoot the ratio by one retry each,
/// which a safety limit tolerates.
public final class RetryBudget: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// Retries in flight as a share of requests in flight, 0...1; default 0.2.
        public var ratio: Double
        /// Retries always allowed per second, whatever the ratio says; default 10.
        public var minPerSecond: Int

        public init(ratio: Double = 0.2, minPerSecond: Int = 10) {
            self.ratio = ratio
            self.minPerSecond = minPerSecond
        }

        public func validate() throws(PolicyError) {
            guard ratio.isFinite, (0...1).contains(ratio) else {
                throw PolicyError(field: "retry.budget.ratio", "must be between 0 and 1, not \(ratio)")
            }
            guard (0...RetryBudget.floorMask).contains(minPerSecond) else {
                throw PolicyError(
                    field: "retry.budget.min_per_second",
                    "must be between 0 and \(RetryBudget.floorMask), not \(minPerSecond)")
            }
        }
    }

    /// Cumulative counts, for metrics.
    public struct Counters: Sendable, Hashable {
        public var requestsStarted: Int
        public var requestsFinished: Int
        public var retriesStarted: Int
        public var retriesFinished: Int
        /// Retries the budget turned down.
        public var retriesRefused: Int
    }

    /// The floor's window packs the second it counts in the high bits and the retries spent in the low 20,
    /// so one compare-exchange moves both.
    static let floorBits = 20
    static let floorMask = (1 << floorBits) - 1

    /// The ratio in millionths, so the check is integer arithmetic.
    private let ratioPerMillion: Int
    private let minPerSecond: Int
    private let requestsInFlight = Atomic<Int>(0)
    private let retriesInFlight = Atomic<Int>(0)
    private let floorWindow = Atomic<Int>(0)
    private let requestsStarted = Atomic<Int>(0)
    private let requestsFinished = Atomic<Int>(0)
    private let retriesStarted = Atomic<Int>(0)
    private let retriesFinished = Atomic<Int>(0)
    private let retriesRefused = Atomic<Int>(0)

    /// `configuration` should have passed `validate()`; out-of-range values are clamped.
    public init(_ configuration: Configuration = Configuration()) {
        let ratio = configuration.ratio.isFinite ? min(1, max(0, configuration.ratio)) : 0
        self.ratioPerMillion = Int((ratio * 1_000_000).rounded())
        self.minPerSecond = min(Self.floorMask, max(0, configuration.minPerSecond))
    }

    /// A call started (its first attempt; retries are not requests).
    public func requestStarted() {
        requestsInFlight.add(1, ordering: .relaxed)
        requestsStarted.add(1, ordering: .relaxed)
    }

    /// A call ended, however it ended.
    public func requestFinished() {
        requestsInFlight.subtract(1, ordering: .relaxed)
        requestsFinished.add(1, ordering: .relaxed)
    }

    /// Starts a retry if the budget allows one; the caller calls ``retryFinished()`` when a `true` retry ends.
    public func tryStartRetry(now: NIODeadline) -> Bool {
        if startWithinRatio() || spendFloor(now: now) {
            retriesStarted.add(1, ordering: .relaxed)
            return true
        }
        retriesRefused.add(1, ordering: .relaxed)
        return false
    }

    public func retryFinished() {
        retriesInFlight.subtract(1, ordering: .relaxed)
        retriesFinished.add(1, ordering: .relaxed)
    }

    public var counters: Counters {
        Counters(
            requestsStarted: requestsStarted.load(ordering: .relaxed),
            requestsFinished: requestsFinished.load(ordering: .relaxed),
            retriesStarted: retriesStarted.load(ordering: .relaxed),
            retriesFinished: retriesFinished.load(ordering: .relaxed),
            retriesRefused: retriesRefused.load(ordering: .relaxed))
    }

    private func startWithinRatio() -> Bool {
        var retries = retriesInFlight.load(ordering: .relaxed)
        while true {
            let requests = requestsInFlight.load(ordering: .relaxed)
            // Envoy rounds the allowance down: one request in flight at 0.2 allows no retry by the ratio.
            guard (retries + 1) * 1_000_000 <= ratioPerMillion * requests else { return false }
            let (exchanged, original) = retriesInFlight.compareExchange(
                expected: retries, desired: retries + 1, ordering: .relaxed)
            if exchanged { return true }
            retries = original
        }
    }

    private func spendFloor(now: NIODeadline) -> Bool {
        guard minPerSecond > 0 else { return false }
        let second = Int(now.uptimeNanoseconds / 1_000_000_000)
        var window = floorWindow.load(ordering: .relaxed)
        while true {
            let windowSecond = window >> Self.floorBits
            let spent = window & Self.floorMask
            let next: Int
            if second > windowSecond {
                next = second << Self.floorBits | 1
            } else if spent < minPerSecond {
                // A loop whose clock read lags another's counts in the newer window.
                next = window + 1
            } else {
                return false
            }
            let (exchanged, original) = floorWindow.compareExchange(
                expected: window, desired: next, ordering: .relaxed)
            if exchanged {
                retriesInFlight.add(1, ordering: .relaxed)
                return true
            }
            window = original
        }
    }
}
