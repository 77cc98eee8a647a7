/// The engine's answer to one call.
public enum Admission: Sendable {
    case pass(FlowEntry)
    /// Admitted once this many ms have gone by (the caller schedules the wait; its slot is reserved).
    case wait(Int64, FlowEntry)
    case block(FlowBlock)
}

/// Which rule blocked a call.
public enum FlowBlock: Sendable, Equatable {
    case flow(FlowRule)
    case system(SystemBlockReason)
}

/// An admitted call, handed back to ``FlowEngine/complete(_:rtMillis:failed:now:)`` when it ends so its
/// completion lands on the same nodes its pass did.
public struct FlowEntry: Sendable {
    public let resource: FlowResource
    let origin: StatisticNode?
    let entryRoute: StatisticNode?
}

/// A flow rule ``FlowEngine/load(flowRules:systemRules:)`` dropped: its position in the list given, and why.
public struct FlowRuleRejection: Sendable, Equatable {
    public let index: Int
    public let rule: FlowRule
    public let error: FlowRuleError
}
