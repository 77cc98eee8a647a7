import Synchronization

/// One breaker shared by every event loop that serves its resource: the pure ``CircuitBreaker`` behind a
/// mutex, held only for the few comparisons of a check or a completion (Sentinel uses a CAS on the state
/// and LongAdders; one short lock gives the same single-probe guarantee).
public final class SharedCircuitBreaker: Sendable {
    private let breaker: Mutex<CircuitBreaker>
    public let rule: DegradeRule

    public init(rule: DegradeRule) {
        self.rule = rule
        breaker = Mutex(CircuitBreaker(rule: rule))
    }

    public var state: CircuitBreakerState { breaker.withLock { $0.state } }

    public func tryPass(now: Int64) -> CircuitBreakerAdmission {
        breaker.withLock { $0.tryPass(now: now) }
    }

    @discardableResult
    public func probeBlocked() -> CircuitBreakerTransition? {
        breaker.withLock { $0.probeBlocked() }
    }

    @discardableResult
    public func onComplete(rtMillis: Int64, error: Bool, now: Int64) -> CircuitBreakerTransition? {
        breaker.withLock { $0.onComplete(rtMillis: rtMillis, error: error, now: now) }
    }
}
