/// A hot-parameter rule's answer for one value.
public enum ParamFlowDecision: Sendable, Hashable {
    case pass
    /// Throttle mode: the call passes after waiting this many ms (the caller schedules it on its event loop;
    /// Sentinel sleeps the thread instead).
    case wait(millis: Int64)
    case block

    public var passed: Bool { self != .block }
}
