import Synchronization

/// One loaded flow rule: its controller (shared by the event loops, locked only when it has state) and, for
/// RELATE, the related resource's node resolved at load time so no admit looks a resource up by name.
final class FlowRuleCheck: Sendable {
    let rule: FlowRule
    let related: StatisticNode?
    /// What the controller reads of the node: a concurrency rule only the calls in flight, pacing nothing, only
    /// warm-up the previous second; an admit reads no more.
    let reads: NodeReading.Fields
    /// A QPS rule with the default controller: a prioritized call it blocks may book a future window instead.
    let occupiable: Bool
    /// The rule reads the resource's node whatever the call's origin and entry route (`limitApp` default,
    /// strategy direct: most rules), so an admit skips ``FlowNodeSelection`` and its string comparisons.
    let readsResourceNode: Bool
    let count: Double
    private let stateless: DefaultController?
    private let controller: Mutex<FlowController>

    init(rule: FlowRule, related: StatisticNode?) {
        self.rule = rule
        self.related = related
        let controller = FlowController(rule: rule)
        if case .reject(let plain) = controller { stateless = plain } else { stateless = nil }
        switch controller {
        case .warmUp, .warmUpThrottle: reads = .passQpsAndPrevious
        case .throttle: reads = .none
        case .reject: reads = rule.grade == .concurrency ? .inFlight : .passQps
        }
        self.controller = Mutex(controller)
        occupiable = stateless != nil && rule.grade == .qps
        readsResourceNode = rule.limitApp == FlowRule.defaultLimitApp && rule.strategy == .direct
        count = rule.count
    }

    func check(_ reading: NodeReading, now: Int64) -> FlowDecision {
        if let stateless { return stateless.check(reading) }
        return controller.withLock { $0.check(reading, now: now) }
    }
}

/// A resource's rules as one immutable snapshot, swapped whole on reload; an admit takes it with one
/// reference count, and its entry keeps the breakers and parameter rules it was admitted under. A caller that
/// rebuilds its own state on every load (the gateway's route guards) holds the snapshot and hands it to each
/// admit, which then takes no lock to find the rules.
public final class ResourceRules: Sendable {
    let checks: [FlowRuleCheck]
    /// Origins some rule names in `limitApp` ("other" does not apply to them).
    let namedOrigins: Set<String>
    /// Nodes for the entry routes CHAIN rules name.
    let entryRoutes: [String: StatisticNode]
    /// Set for inbound resources when system rules are loaded.
    let system: SystemThresholds?
    /// Hot-parameter rules, checked before the flow rules (Sentinel's `ParamFlowSlot`).
    let params: [SharedParamFlowController]
    /// Circuit breakers, checked after the flow rules (Sentinel's `DegradeSlot`).
    let breakers: [SharedCircuitBreaker]
    /// A concurrency rule is among the checks: admits of the resource then check and count in one step.
    let countsInFlight: Bool

    init(
        checks: [FlowRuleCheck] = [], namedOrigins: Set<String> = [], entryRoutes: [String: StatisticNode] = [:],
        system: SystemThresholds? = nil, params: [SharedParamFlowController] = [], breakers: [SharedCircuitBreaker] = []
    ) {
        self.checks = checks
        self.namedOrigins = namedOrigins
        self.entryRoutes = entryRoutes
        self.system = system
        self.params = params
        self.breakers = breakers
        countsInFlight = checks.contains { $0.rule.grade == .concurrency }
    }

    static let none = ResourceRules()

    func with(system: SystemThresholds?) -> ResourceRules {
        ResourceRules(checks: checks, namedOrigins: namedOrigins, entryRoutes: entryRoutes, system: system, params: params, breakers: breakers)
    }
}
