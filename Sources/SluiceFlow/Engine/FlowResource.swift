import Synchronization

/// One resource: its node (all origins together), its nodes per origin (created on demand, bounded) and its
/// rules. The gateway resolves it once per route so admits skip the engine's name lookup.
public final class FlowResource: Sendable {
    public let name: String
    /// Whether calls are inbound traffic (system rules and the global inbound node apply).
    public let isInbound: Bool
    public let node = StatisticNode()
    private let origins: Mutex<[String: StatisticNode]> = Mutex([:])
    /// Shared by the origins past the bound, so "other" rules still hold them back together.
    private let overflowOrigin = StatisticNode()
    private let maxOrigins: Int
    let rules: Mutex<ResourceRules> = Mutex(ResourceRules.none)
    /// Held across one admit's checks and the pass it records, when the resource has a concurrency rule.
    let admission = Mutex(())

    init(name: String, isInbound: Bool, maxOrigins: Int) {
        self.name = name
        self.isInbound = isInbound
        self.maxOrigins = maxOrigins
    }

    /// The node of `origin`; origins named by rules always get their own.
    func originNode(_ origin: String, named: Bool) -> StatisticNode {
        origins.withLock { nodes in
            if let node = nodes[origin] { return node }
            guard named || nodes.count < maxOrigins else { return overflowOrigin }
            let node = StatisticNode()
            nodes[origin] = node
            return node
        }
    }

    /// The node of `origin` if it was seen (for reads: metrics, tests).
    public func existingOriginNode(_ origin: String) -> StatisticNode? {
        origins.withLock { $0[origin] }
    }

    /// Whether any rule of the last load watches this resource (a resource can exist for none: the gateway
    /// creates each route's and method's before loading, for RELATE and CHAIN rules to find).
    public var isWatched: Bool {
        let rules = snapshot
        return !rules.checks.isEmpty || !rules.params.isEmpty || !rules.breakers.isEmpty || rules.system != nil
    }

    /// Each circuit breaker of the rules loaded last, with its state now.
    public var breakerStates: [(rule: DegradeRule, state: CircuitBreakerState)] {
        snapshot.breakers.map { ($0.rule, $0.state) }
    }

    /// The rules loaded last.
    public var snapshot: ResourceRules { rules.withLock { $0 } }
}
