import Synchronization

extension FlowEngine {
    /// Replaces every flow and system rule (breakers and parameter rules stay as they are).
    @discardableResult
    public func load(flowRules: [FlowRule], systemRules: [SystemRule] = []) -> [FlowRuleRejection] {
        let current = loaded.withLock { $0 }
        return load(FlowRuleSet(flow: flowRules, degrade: current.degrade, param: current.param, system: systemRules))
    }

    /// Replaces every rule. Invalid rules are dropped alone and returned with the reason; a rule unchanged
    /// since the last load keeps its state (warm-up tokens, pacing slot, breaker state, per-value buckets),
    /// as Sentinel's rule managers keep equal rules' controllers and breakers.
    @discardableResult
    public func load(_ set: FlowRuleSet) -> [FlowRuleRejection] {
        let sorted = RulesByResource(set)
        loaded.withLock { $0 = set }
        let system = SystemThresholds(set.system)
        systemThresholds.withLock { $0 = system }
        for name in sorted.resources { _ = resource(name) }
        let all = resources.withLock { Array($0.values) }
        for resource in all {
            let name = resource.name
            let rules = FlowRule.checkingOrder(sorted.flow[name] ?? [])
            let previous = resource.snapshot
            var entryRoutes: [String: StatisticNode] = [:]
            for rule in rules where rule.strategy == .chain {
                guard let route = rule.refResource else { continue }
                entryRoutes[route] = previous.entryRoutes[route] ?? StatisticNode()
            }
            let next = ResourceRules(
                checks: rules.map { rule in
                    if let kept = previous.checks.first(where: { $0.rule == rule }) { return kept }
                    let related = rule.strategy == .relate ? rule.refResource.map { self.resource($0).node } : nil
                    return FlowRuleCheck(rule: rule, related: related)
                },
                namedOrigins: Set(rules.map(\.limitApp)),
                entryRoutes: entryRoutes,
                system: resource.isInbound && !system.isEmpty ? system : nil,
                params: (sorted.param[name] ?? []).map { rule in
                    previous.params.first { $0.rule == rule } ?? SharedParamFlowController(rule: rule)
                },
                breakers: (sorted.degrade[name] ?? []).map { rule in
                    previous.breakers.first { $0.rule == rule } ?? SharedCircuitBreaker(rule: rule)
                }
            )
            resource.rules.withLock { $0 = next }
        }
        return sorted.rejected
    }
}
