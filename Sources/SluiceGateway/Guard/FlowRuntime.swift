internal import Synchronization
internal import SluiceFlow

/// Flow control's state that outlives a configuration: the engine (statistics, breaker states, warm-up and
/// per-value buckets of unchanged rules) and the gateway rules' per-value state. Each snapshot builds its
/// route guards against it; a reload keeps what its rules did not change.
final class FlowRuntime: Sendable {
    let engine: FlowEngine
    let clock: any FlowClock
    /// Gateway rules' checkers by resource, with the rules they were built from.
    private let gatewayCheckers: Mutex<[String: (rules: [GatewayFlowRule], checker: GatewayFlowChecker)]> = Mutex([:])

    init(systemStatus: any SystemStatusProvider = FixedSystemStatus(), clock: any FlowClock = MonotonicFlowClock()) {
        engine = FlowEngine(systemStatus: systemStatus)
        self.clock = clock
    }

    /// The checker of `resource`'s gateway rules: the previous one when its rules did not change.
    func gatewayChecker(_ resource: String, rules: [GatewayFlowRule]) -> GatewayFlowChecker {
        gatewayCheckers.withLock { table in
            if let kept = table[resource], kept.rules == rules { return kept.checker }
            let checker = GatewayFlowChecker(rules: GatewayResourceRules(resource: resource, rules: rules))
            table[resource] = (rules, checker)
            return checker
        }
    }

    /// Forgets the checkers of resources that no longer have gateway rules.
    func keepGatewayCheckers(_ resources: Set<String>) {
        gatewayCheckers.withLock { table in table = table.filter { resources.contains($0.key) } }
    }
}
