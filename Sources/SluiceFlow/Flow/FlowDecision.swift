/// A flow controller's answer: the caller performs it (a wait is a task it schedules; nothing here sleeps).
public enum FlowDecision: Sendable, Equatable {
    case pass
    /// Pass once this many ms have gone by; the slot is already reserved.
    case wait(Int64)
    case block
}
