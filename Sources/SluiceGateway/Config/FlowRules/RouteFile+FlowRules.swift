internal import SluiceFlow
internal import Yams

extension RouteFile {
    static let flowRuleKeys = [
        "resource", "grade", "count", "behavior", "warm_up_period", "cold_factor", "max_queueing_time", "strategy",
        "ref_resource", "limit_app", "origin_header", "origin",
    ]
    static let flowGrades: [(name: String, value: FlowRule.Grade)] = [("qps", .qps), ("concurrency", .concurrency)]
    static let flowBehaviors: [(name: String, value: FlowRule.Behavior)] = [
        ("reject", .reject), ("warm_up", .warmUp), ("throttle", .throttle), ("warm_up_throttle", .warmUpThrottle),
    ]
    static let flowStrategies: [(name: String, value: FlowRule.Strategy)] = [("direct", .direct), ("relate", .relate), ("chain", .chain)]
    /// SluiceFlow's field names (as `FlowRule.validate()` reports them) → the route file's keys.
    static let flowRuleFieldKeys = [
        "resource": "resource", "count": "count", "refResource": "ref_resource", "warmUpPeriodSec": "warm_up_period",
        "maxQueueingTimeMs": "max_queueing_time",
    ]

    /// One `flow:` rule (Sentinel's `FlowRule`), appended to `draft` when it has no problem.
    static func parseFlowRule(_ node: Node, into draft: inout FlowRulesDraft, reader: inout YAMLReader) {
        guard var fields = RuleFields(node, what: "a flow rule", allowed: flowRuleKeys, reader: &reader) else { return }
        let resource = ruleResource(&fields, into: &draft, reader: &reader)
        let count = fields.required("count", reader: &reader) == nil ? nil : fields.number("count", least: 0, reader: &reader)
        let grade = fields.choice("grade", among: flowGrades, reader: &reader) ?? .qps
        let behavior = fields.choice("behavior", among: flowBehaviors, reader: &reader) ?? .reject
        let strategy = fields.choice("strategy", among: flowStrategies, reader: &reader) ?? .direct
        let refResource = fields.text("ref_resource", reader: &reader)
        let warmUpPeriod = fields.wholeSeconds("warm_up_period", reader: &reader)
        // Sentinel takes a cold factor of 1 or less to mean its default, 3; here it is refused instead.
        let coldFactor = fields.int("cold_factor", range: 2...1_000_000, reader: &reader)
        let maxQueueing = fields.milliseconds("max_queueing_time", reader: &reader)
        let limitApp = fields.text("limit_app", reader: &reader)
        let originHeader = fields.text("origin_header", reader: &reader)
        let originChoice = fields.choice("origin", among: [("client_ip", OriginSource.clientIP)], reader: &reader)

        // Settings Sentinel would silently ignore are refused, so a rule does what it reads as.
        let warms = behavior == .warmUp || behavior == .warmUpThrottle
        let queues = behavior == .throttle || behavior == .warmUpThrottle
        fields.refuse(
            "behavior", unless: grade == .qps || behavior == .reject, "applies only to grade qps (a concurrency rule always rejects)",
            reader: &reader)
        fields.refuse("warm_up_period", unless: warms, "applies only to behavior warm_up or warm_up_throttle", reader: &reader)
        fields.refuse("cold_factor", unless: warms, "applies only to behavior warm_up or warm_up_throttle", reader: &reader)
        fields.refuse("max_queueing_time", unless: queues, "applies only to behavior throttle or warm_up_throttle", reader: &reader)
        fields.refuse("ref_resource", unless: strategy != .direct, "applies only to strategy relate or chain", reader: &reader)
        fields.refuse("origin", unless: originHeader == nil, "and 'origin_header' cannot both be given", reader: &reader)
        if strategy != .direct, fields["ref_resource"] == nil {
            fields.fail(at: "strategy", "strategy \(strategy == .relate ? "relate" : "chain") needs 'ref_resource'", reader: &reader)
        }
        if let refResource {
            draft.resources.append(.init(name: refResource, origin: fields.position(of: "ref_resource", reader: reader)))
        }
        if let originHeader, !isHeaderName(originHeader) {
            fields.fail(at: "origin_header", "'origin_header' must be a header name, not '\(originHeader)'", reader: &reader)
        }

        // Only a rule that parsed is validated, so a problem is not reported twice.
        guard fields.valid, let resource, let count else { return }
        let rule = FlowRule(
            resource: resource, limitApp: limitApp ?? FlowRule.defaultLimitApp, grade: grade, count: count,
            strategy: strategy, refResource: refResource, behavior: behavior, warmUpPeriodSec: warmUpPeriod ?? 10,
            maxQueueingTimeMs: maxQueueing ?? 500, coldFactor: coldFactor ?? FlowRule.defaultColdFactor)
        do throws(RuleValidationError) {
            try rule.validate()
        } catch {
            fields.reject(field: error.field, reason: error.reason, keys: flowRuleFieldKeys, reader: &reader)
        }
        guard fields.valid else { return }
        draft.rules.flow.append(rule)
        if let source = originHeader.map({ OriginSource.header($0.lowercased()) }) ?? originChoice {
            let key = originHeader == nil ? "origin" : "origin_header"
            draft.originClaims.append(.init(resource: resource, source: source, origin: fields.position(of: key, reader: reader)))
        }
    }
}
