public import NIOCore

/// Exponential backoff with full jitter (AWS's "Exponential Backoff and Jitter"; grpc-swift's
/// `RetryDelaySequence`): the wait before retry `n` is uniform in [0, min(max, base × 2^(n-1))], so retries
/// of many calls that failed together spread out instead of arriving together.
public struct RetryBackoff: Sendable, Hashable {
    /// Default 25 ms.
    public var base: TimeAmount
    /// Default 250 ms.
    public var max: TimeAmount

    public init(base: TimeAmount = .milliseconds(25), max: TimeAmount = .milliseconds(250)) {
        self.base = base
        self.max = max
    }

    /// The upper bound of the wait before retry `retry` (1 for the first retry); saturates instead of
    /// overflowing for large `retry`.
    public func ceiling(forRetry retry: Int) -> TimeAmount {
        let doublings = Swift.max(0, retry - 1)
        // base × 2^62 overflows for any base over 1 ns; past the point where max is reached the exact power
        // does not matter.
        guard doublings < 62, base.nanoseconds <= Int64.max >> doublings else { return max }
        return .nanoseconds(Swift.min(max.nanoseconds, base.nanoseconds << doublings))
    }

    /// The wait before retry `retry` (1 for the first retry).
    public func delay(forRetry retry: Int, using rng: inout some RandomNumberGenerator) -> TimeAmount {
        let ceiling = ceiling(forRetry: retry).nanoseconds
        guard ceiling > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...ceiling, using: &rng))
    }
}
