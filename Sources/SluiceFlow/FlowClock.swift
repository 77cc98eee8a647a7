// Hand-written: Sentinel is a Java (and Go) library with no Swift port, and what users bring are its rules, so
// its exact semantics (sliding windows, warm-up slopes, breaker state machines, token buckets per value) are
// reproduced here from its sources and test vectors (see README "Flow control"). The engine knows nothing of
// NIO or HTTP: the gateway asks it to admit a call and tells it how the call ended; time comes from a clock
// the caller injects, so every rule is tested against Sentinel's own vectors without sleeping.

/// The engine's time: milliseconds (Sentinel's unit for windows, warm-up and timeouts) since any fixed origin.
public protocol FlowClock: Sendable {
    func nowMillis() -> Int64
}

/// A clock tests move by hand.
public final class ManualFlowClock: FlowClock, @unchecked Sendable {
    // @unchecked: tests drive it from one thread at a time.
    public var now: Int64

    public init(_ now: Int64 = 0) { self.now = now }

    public func nowMillis() -> Int64 { now }

    public func advance(_ millis: Int64) { now += millis }
}
