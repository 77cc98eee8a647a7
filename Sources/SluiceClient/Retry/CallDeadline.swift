public import NIOCore

/// The overall timeout of a call and the timeouts derived from it: what is left, what one attempt gets, and
/// what the backend is told.
public struct CallDeadline: Sendable, Hashable {
    /// When the call as a whole gives up.
    public var end: NIODeadline

    public init(end: NIODeadline) {
        self.end = end
    }

    public init(start: NIODeadline, timeout: TimeAmount) {
        self.end = start + timeout
    }

    /// Time left at `now`; zero once passed.
    public func remaining(at now: NIODeadline) -> TimeAmount {
        now >= end ? .zero : end - now
    }

    public func isExpired(at now: NIODeadline) -> Bool { now >= end }

    /// The timeout of an attempt starting at `now`: the smaller of `perTry` and the time left; nil when the
    /// call has no time left for another attempt.
    public func attemptTimeout(perTry: TimeAmount?, at now: NIODeadline) -> TimeAmount? {
        let remaining = remaining(at: now)
        guard remaining > .zero else { return nil }
        guard let perTry else { return remaining }
        return min(perTry, remaining)
    }

    /// The timeout to send with an attempt, in whole milliseconds as Kitex's TTHeader RPC-timeout key carries
    /// it: rounded down (the existing TTHeader writer's rule), at least 1, since 0 there means "no timeout".
    public static func propagatedMilliseconds(_ timeout: TimeAmount) -> Int64 {
        max(1, timeout.nanoseconds / 1_000_000)
    }

    /// The same timeout as a `grpc-timeout` header value (``GRPCTimeout``).
    public static func grpcTimeoutHeader(_ timeout: TimeAmount) -> String {
        GRPCTimeout.header(timeout)
    }
}
