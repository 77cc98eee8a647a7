import Synchronization

/// One breaker shared by every event loop that serves its resource: the pure ``CircuitBreaker`` behind a
/// mutex, held only for the few comparisons of a check or a completion (Sentinel uses a CAS on the state
/// and LongAdders; one short lock gives the same single-probe guarantee). A closed breaker passes a call
/// without the lock, as Sentinel's `tryPass` reads its state first: most calls meet a closed breaker, and
/// two event loops checking one would otherwise pass its lock between cores on every call.
public final class SharedCircuitBreaker: Sendable {
    private let breaker: Mutex<CircuitBreaker>
    /// Whether the state is closed, written under the lock at every change.
    private let closed = Atomic<Bool>(true)
    public let rule: DegradeRule

    public init(rule: DegradeRule) {
        self.rule = rule
        breaker = Mutex(CircuitBreaker(rule: rule))
    }

    public var state: CircuitBreakerState { breaker.withLock { $0.state } }

    public func tryPass(now: Int64) -> CircuitBreakerAdmission {
        if closed.load(ordering: .acquiring) { return .pass }
        return withBreaker { $0.tryPass(now: now) }
    }

    @discardableResult
    public func probeBlocked() -> CircuitBreakerTransition? {
        withBreaker { $0.probeBlocked() }
    }

    @discardableResult
    public func onComplete(rtMillis: Int64, error: Bool, now: Int64) -> CircuitBreakerTransition? {
        withBreaker { $0.onComplete(rtMillis: rtMillis, error: error, now: now) }
    }

    private func withBreaker<R>(_ body: (inout CircuitBreaker) -> R) -> R {
        breaker.withLock { breaker in
            let result = body(&breaker)
            closed.store(breaker.state == .closed, ordering: .releasing)
            return result
        }
    }
}
