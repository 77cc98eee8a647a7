/// The gateway rules of one resource converted as Sentinel's `GatewayRuleManager` and `GatewayRuleConverter`
/// convert them: each rule with a `paramItem` becomes a ``ParamFlowRule`` on its own parameter index (0, 1, …
/// in rule order), with a `$NM` exception that lets non-matching values pass when it has a pattern; every
/// rule without one becomes a ``ParamFlowRule`` on the last index, whose value is always `$D`.
/// ``parameters(for:mode:)`` is `GatewayParamParser.parseParameterFor`.
public struct GatewayResourceRules: Sendable {
    public let resource: String
    /// The converted rules, parameter rules first.
    public let paramRules: [ParamFlowRule]
    /// How to read each parameter, in index order.
    private let extractors: [Extractor]
    /// The mode every parameter rule has, or nil when they disagree (then no rule applies).
    private let paramMode: GatewayResourceMode?
    private let hasNonParamRule: Bool

    fileprivate struct Extractor: Sendable {
        let strategy: GatewayParseStrategy
        let fieldName: String
        let matcher: GatewayParamMatcher
    }

    /// Converts the valid rules of `resource` (invalid ones are left out, as Sentinel drops them; validate
    /// first to report them). Duplicate rules count once, as in Sentinel's rule sets.
    public init(resource: String, rules: [GatewayFlowRule]) {
        self.resource = resource
        var seen = Set<GatewayFlowRule>()
        var paramRules: [ParamFlowRule] = []
        var nonParam: [GatewayFlowRule] = []
        var extractors: [Extractor] = []
        var modes = Set<GatewayResourceMode>()
        for rule in rules where rule.resource == resource && (try? rule.validate()) != nil {
            guard seen.insert(rule).inserted else { continue }
            guard let item = rule.paramItem else {
                nonParam.append(rule)
                continue
            }
            var converted = Self.paramRule(from: rule, index: extractors.count)
            if item.pattern != nil {
                converted.items.append(ParamFlowItem(value: GatewayParam.notMatched, count: GatewayParam.notMatchedCount))
            }
            paramRules.append(converted)
            extractors.append(Extractor(strategy: item.parseStrategy, fieldName: item.fieldName ?? "",
                                        matcher: GatewayParamMatcher(item)))
            modes.insert(rule.resourceMode)
        }
        for rule in nonParam { paramRules.append(Self.paramRule(from: rule, index: extractors.count)) }
        self.paramRules = paramRules
        self.extractors = extractors
        paramMode = modes.count == 1 ? modes.first : nil
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
        if extractors.isEmpty { return hasNonParamRule ? [GatewayParam.defaultValue] : [] }
        guard paramMode == mode else { return [] }
        var values: [String?] = []
        values.reserveCapacity(extractors.count + 1)
        for extractor in extractors { values.append(extractor.matcher.match(extractor.read(from: request))) }
        if hasNonParamRule { values.append(GatewayParam.defaultValue) }
        return values
    }
}

extension GatewayResourceRules.Extractor {
    func read(from request: some GatewayRequestItems) -> String? {
        switch strategy {
        case .clientIP: return request.remoteAddress
        case .host: return request.header("Host")
        case .header: return request.header(fieldName)
        case .urlParam: return request.urlParam(fieldName)
        case .cookie: return request.cookie(fieldName)
        }
    }
}
