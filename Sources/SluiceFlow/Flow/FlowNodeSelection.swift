/// Which statistics a flow rule reads for one call (Sentinel's `selectNodeByRequesterAndStrategy`), decided
/// from the rule, the call's origin and entry route alone, so it is tested without nodes.
public enum FlowNodeSelection: Sendable, Equatable {
    /// The resource's node, all origins together (Sentinel's ClusterNode).
    case resource
    /// The resource's node for the call's origin.
    case origin
    /// Another resource's node (RELATE).
    case related(String)
    /// The resource's node for calls entered through this route (CHAIN, when the entry route is `refResource`).
    case entryRoute
    /// The rule does not apply to this call: it passes.
    case skip

    /// - Parameters:
    ///   - origin: the caller's origin, "" when unknown.
    ///   - entryRoute: the route the call entered through (Sentinel's context name).
    ///   - originNamedByRule: whether any rule of the resource has `limitApp == origin` (then `"other"` does
    ///     not apply to it).
    public static func select(
        for rule: FlowRule,
        origin: String,
        entryRoute: String,
        originNamedByRule: Bool
    ) -> FlowNodeSelection {
        let limitApp = rule.limitApp
        let isNamedOrigin = limitApp == origin && origin != FlowRule.defaultLimitApp && origin != FlowRule.otherLimitApp
        let isOther = limitApp == FlowRule.otherLimitApp && !origin.isEmpty && !originNamedByRule
        if isNamedOrigin || isOther {
            return rule.strategy == .direct ? .origin : reference(rule, entryRoute: entryRoute)
        }
        if limitApp == FlowRule.defaultLimitApp {
            return rule.strategy == .direct ? .resource : reference(rule, entryRoute: entryRoute)
        }
        return .skip
    }

    private static func reference(_ rule: FlowRule, entryRoute: String) -> FlowNodeSelection {
        guard let ref = rule.refResource, !ref.isEmpty else { return .skip }
        switch rule.strategy {
        case .relate: return .related(ref)
        case .chain: return ref == entryRoute ? .entryRoute : .skip
        case .direct: return .skip
        }
    }
}
