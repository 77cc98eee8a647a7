/// Every rule the engine enforces, replaced whole by ``FlowEngine/load(_:)``. Gateway rules are not here:
/// they are converted to parameter rules (``GatewayResourceRules``) by the caller that knows request parts.
public struct FlowRuleSet: Sendable, Hashable {
    public var flow: [FlowRule]
    public var degrade: [DegradeRule]
    public var param: [ParamFlowRule]
    public var system: [SystemRule]

    public init(flow: [FlowRule] = [], degrade: [DegradeRule] = [], param: [ParamFlowRule] = [], system: [SystemRule] = []) {
        self.flow = flow
        self.degrade = degrade
        self.param = param
        self.system = system
    }
}

/// The valid rules of a set, by resource, duplicates counted once (Sentinel builds its rule maps from sets);
/// the invalid ones with their reason.
struct RulesByResource {
    var flow: [String: [FlowRule]] = [:]
    var degrade: [String: [DegradeRule]] = [:]
    var param: [String: [ParamFlowRule]] = [:]
    var rejected: [FlowRuleRejection] = []

    init(_ set: FlowRuleSet) {
        Self.sort(set.flow, into: &flow, rejected: &rejected, validate: { rule throws(RuleValidationError) in try rule.validate() },
                  resource: \.resource, kind: FlowRuleRejection.Kind.flow)
        Self.sort(set.degrade, into: &degrade, rejected: &rejected, validate: { rule throws(RuleValidationError) in try rule.validate() },
                  resource: \.resource, kind: FlowRuleRejection.Kind.degrade)
        Self.sort(set.param, into: &param, rejected: &rejected, validate: { rule throws(RuleValidationError) in try rule.validate() },
                  resource: \.resource, kind: FlowRuleRejection.Kind.param)
    }

    var resources: Set<String> { Set(flow.keys).union(degrade.keys).union(param.keys) }

    private static func sort<Rule: Hashable>(
        _ rules: [Rule], into table: inout [String: [Rule]], rejected: inout [FlowRuleRejection],
        validate: (Rule) throws(RuleValidationError) -> Void, resource: (Rule) -> String,
        kind: (Rule) -> FlowRuleRejection.Kind
    ) {
        for (index, rule) in rules.enumerated() {
            do throws(RuleValidationError) {
                try validate(rule)
                if !(table[resource(rule)]?.contains(rule) ?? false) { table[resource(rule), default: []].append(rule) }
            } catch {
                rejected.append(FlowRuleRejection(index: index, kind: kind(rule), error: error))
            }
        }
    }
}
