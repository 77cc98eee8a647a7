/// The gateway rules of one resource converted as Sentinel's `GatewayRuleManager` and `GatewayRuleConverter`
/// convert them: each rule with a `paramItem` becomes a ``ParamFlowRule`` on its own parameter index (0, 1, …
/// in rule order), with a `$NM` exception that lets non-matching values pass when it has a pattern; every
/// rule without one becomes a ``ParamFlowRule`` on the last index, whose value is always `$D`.
/// ``parameters(for:mode:)`` is `GatewayParamParser.parseParameterFor`.
public struct GatewayResourceRules: Sendable {
    public let resource: String
    /// The converted rules, parameter rules first.
    public let paramRules: [ParamFlowRule]
    /// The parameter items in index order, with their compiled patterns.
    private let items: [(item: GatewayParamFlowItem, mode: GatewayResourceMode, matcher: GatewayParamMatcher)]
    private let hasNonParamRule: Bool

    /// Converts the valid rules of `resource` (invalid ones are left out, as Sentinel drops them; validate
    /// first to report them). Duplicate rules count once, as in Sentinel's rule sets.
    public init(resource: String, rules: [GatewayFlowRule]) {
        self.resource = resource
        var seen = Set<GatewayFlowRule>()
        var paramRules: [ParamFlowRule] = []
        var nonParam: [GatewayFlowRule] = []
        var items: [(item: GatewayParamFlowItem, mode: GatewayResourceMode, matcher: GatewayParamMatcher)] = []
        for rule in rules where rule.resource == resource && (try? rule.validate()) != nil {
            guard seen.insert(rule).inserted else { continue }
            guard let item = rule.paramItem else {
                nonParam.append(rule)
                continue
            }
            var converted = Self.paramRule(from: rule, index: items.count)
            if item.pattern != nil {
                converted.items.append(ParamFlowItem(value: GatewayParam.notMatched, count: GatewayParam.notMatchedCount))
            }
            paramRules.append(converted)
            items.append((item, rule.resourceMode, GatewayParamMatcher(item)))
        }
        for rule in nonParam { paramRules.append(Self.paramRule(from: rule, index: items.count)) }
        self.paramRules = paramRules
        self.items = items
        hasNonParamRule = !nonParam.isEmpty
    }

    static func paramRule(from rule: GatewayFlowRule, index: Int) -> ParamFlowRule {
        ParamFlowRule(
            resource: rule.resource, paramIdx: index, grade: rule.grade, count: rule.count, behavior: rule.behavior,
            maxQueueingTimeMs: rule.maxQueueingTimeoutMs, burstCount: rule.burst, durationInSec: rule.intervalSec)
    }

    /// The parameter values of `request` by index, for an entry in `mode` (route or API group). Empty, so
    /// every rule passes, when the resource has no rules or a parameter rule of another mode: Sentinel's
    /// quirk, kept. A request part that is missing is nil, and a nil value passes its rule.
    public func parameters(for request: some GatewayRequestItems, mode: GatewayResourceMode) -> [String?] {
        if items.isEmpty && !hasNonParamRule { return [] }
        if items.contains(where: { $0.mode != mode }) { return [] }
        var values: [String?] = []
        values.reserveCapacity(items.count + 1)
        for (item, _, matcher) in items { values.append(matcher.match(Self.extract(item, from: request))) }
        if hasNonParamRule { values.append(GatewayParam.defaultValue) }
        return values
    }

    private static func extract(_ item: GatewayParamFlowItem, from request: some GatewayRequestItems) -> String? {
        switch item.parseStrategy {
        case .clientIP: return request.remoteAddress
        case .host: return request.header("Host")
        case .header: return item.fieldName.flatMap(request.header)
        case .urlParam: return item.fieldName.flatMap(request.urlParam)
        case .cookie: return item.fieldName.flatMap(request.cookie)
        }
    }
}
