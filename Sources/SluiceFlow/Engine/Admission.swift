/// The engine's answer to one call.
public enum Admission: Sendable {
    case pass(FlowEntry)
    /// Admitted once this many ms have gone by (the caller schedules the wait; its slot is reserved).
    case wait(Int64, FlowEntry)
    /// Boxed: a block carries the whole rule, and inline it would make every pass as large to copy.
    indirect case block(FlowBlock)
}

/// Which rule blocked a call.
public enum FlowBlock: Sendable, Equatable {
    case flow(FlowRule)
    case system(SystemBlockReason)
    case param(ParamFlowRule)
    /// An open breaker; `retryAtMillis` is when it lets its next probe through.
    case degrade(DegradeRule, retryAtMillis: Int64)
    /// The caller's gate (the gateway's rules, Sentinel's `GatewayFlowSlot`).
    case gateway
}

/// An admitted call, handed back to ``FlowEngine/complete(_:rtMillis:failed:now:)`` when it ends so its
/// completion lands on the same nodes its pass did.
public struct FlowEntry: Sendable {
    public let resource: FlowResource
    let origin: StatisticNode?
    let entryRoute: StatisticNode?
    /// The breakers of the resource when the call was admitted; they count its outcome.
    let breakers: [SharedCircuitBreaker]
    /// The breakers this call is the half-open probe of.
    let probes: CircuitBreakerProbes
    /// Thread-grade parameter rules that count this call's value in flight until it completes.
    let heldParams: [HeldParam]
}

/// A value a thread-grade parameter rule counts in flight.
struct HeldParam: Sendable {
    let controller: SharedParamFlowController
    let value: String

    static func release(_ held: [HeldParam]) {
        for param in held { param.controller.complete(value: param.value) }
    }
}

/// A rule ``FlowEngine/load(_:)`` dropped: its kind, its position in the list given, and why.
public struct FlowRuleRejection: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case flow(FlowRule)
        case degrade(DegradeRule)
        case param(ParamFlowRule)
    }

    public let index: Int
    public let kind: Kind
    public let error: RuleValidationError
}
