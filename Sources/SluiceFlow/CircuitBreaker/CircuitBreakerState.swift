/// A breaker's state (Sentinel's `CircuitBreaker.State`).
public enum CircuitBreakerState: Sendable, Hashable {
    case closed
    case open
    /// One probe is in flight; everything else is blocked until it completes.
    case halfOpen
}

/// A state change, for observers (Sentinel's `CircuitBreakerStateChangeObserver.onStateChange`).
public struct CircuitBreakerTransition: Sendable, Hashable {
    public let from: CircuitBreakerState
    public let to: CircuitBreakerState
    /// The metric that tripped the breaker on a change to open (1.0 for a failed probe); nil otherwise.
    public let snapshot: Double?
}

/// The answer to an entry check.
public enum CircuitBreakerAdmission: Sendable, Hashable {
    /// Closed: the call goes on.
    case pass
    /// The breaker went half-open and this call is its single probe. If a later rule blocks the call, tell
    /// the breaker with ``CircuitBreaker/probeBlocked()`` or it stays half-open (Sentinel #1638).
    case probe
    /// Open (or half-open with the probe in flight). `retryAtMillis` is when the breaker lets the next probe
    /// through (in the past while a probe is in flight): the source of `Retry-After`.
    case blocked(retryAtMillis: Int64)

    public var passed: Bool {
        if case .blocked = self { return false }
        return true
    }
}
