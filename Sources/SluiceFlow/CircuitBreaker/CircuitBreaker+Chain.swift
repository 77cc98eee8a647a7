/// Which breakers of a resource's list went half-open for one call (bit i = breaker i; a resource with more
/// than 64 breakers has its later ones untracked, which only matters if a later rule blocks their probe).
public struct CircuitBreakerProbes: Sendable, Hashable {
    public var bits: UInt64 = 0
    public init() {}
    public var isEmpty: Bool { bits == 0 }
}

/// The breakers of one resource checked together, as Sentinel's `DegradeSlot.performChecking` does: in rule
/// order, the first that blocks blocks the call. A breaker that went half-open for this call before a later
/// one blocked it goes back to open (Sentinel's `whenTerminate` hook, #1638), or it would stay half-open
/// with no probe in flight.
extension Array where Element == SharedCircuitBreaker {
    /// `probes` names the breakers this call probes; hand them to ``probeBlocked(_:)`` if a later rule
    /// blocks the call. `blocker` is the index of the breaker that blocked, if one did.
    public func tryPass(now: Int64) -> (admission: CircuitBreakerAdmission, probes: CircuitBreakerProbes, blocker: Int?) {
        var probes = CircuitBreakerProbes()
        for (index, breaker) in enumerated() {
            switch breaker.tryPass(now: now) {
            case .pass:
                continue
            case .probe:
                if index < 64 { probes.bits |= 1 << UInt64(index) }
            case .blocked(let retryAt):
                probeBlocked(probes)
                return (.blocked(retryAtMillis: retryAt), CircuitBreakerProbes(), index)
            }
        }
        return (probes.isEmpty ? .pass : .probe, probes, nil)
    }

    /// A passed call ended: every breaker of the resource counts it.
    public func onComplete(rtMillis: Int64, error: Bool, now: Int64) {
        for breaker in self { breaker.onComplete(rtMillis: rtMillis, error: error, now: now) }
    }

    /// A later rule blocked a call that probed `probes`: those breakers go back to open.
    public func probeBlocked(_ probes: CircuitBreakerProbes) {
        var bits = probes.bits
        while bits != 0 {
            let index = bits.trailingZeroBitCount
            bits &= bits - 1
            if index < count { self[index].probeBlocked() }
        }
    }
}
