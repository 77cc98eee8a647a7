internal import SluiceFlow
internal import Yams

extension RouteFile {
    static let paramFlowKeys = [
        "resource", "param", "count", "duration", "burst", "exceptions", "grade", "behavior", "max_queueing_time",
    ]
    static let paramGrades: [(name: String, value: ParamFlowGrade)] = [("qps", .qps), ("concurrency", .thread)]
    static let paramBehaviors: [(name: String, value: ParamFlowBehavior)] = [("reject", .reject), ("throttle", .throttle)]
    static let paramSourceKeys = ["header", "query", "cookie", "path", "field", "client_ip"]

    /// One `param_flow:` rule (Sentinel's `ParamFlowRule`) with the request part it limits per value, appended
    /// to `draft` when it has no problem. `paramIdx` is 0: the runtime numbers a resource's sources itself.
    static func parseParamFlowRule(_ node: Node, into draft: inout FlowRulesDraft, reader: inout YAMLReader) {
        guard var fields = RuleFields(node, what: "a param_flow rule", allowed: paramFlowKeys, reader: &reader) else { return }
        let resource = ruleResource(&fields, into: &draft, reader: &reader)
        let source = fields.required("param", reader: &reader) == nil
            ? nil : fields.read("param", reader: &reader) { node, reader in parseParamSource(node, reader: &reader) }
        let count = fields.required("count", reader: &reader) == nil ? nil : fields.number("count", least: 0, reader: &reader)
        let grade = fields.choice("grade", among: paramGrades, reader: &reader) ?? .qps
        let behavior = fields.choice("behavior", among: paramBehaviors, reader: &reader) ?? .reject
        let duration = fields.wholeSeconds("duration", reader: &reader)
        let burst = fields.int("burst", range: 0...Int(Int32.max), reader: &reader)
        // Sentinel's default for hot-parameter rules: pace, but never wait.
        let maxQueueing = fields.milliseconds("max_queueing_time", reader: &reader)
        let items = fields.read("exceptions", reader: &reader) { node, reader in parseParamExceptions(node, reader: &reader) }

        // The engine would ignore these; a rule that names them means something else.
        let qps = grade == .qps
        fields.refuse("behavior", unless: qps || behavior == .reject, "applies only to grade qps", reader: &reader)
        fields.refuse("duration", unless: qps, "applies only to grade qps", reader: &reader)
        fields.refuse("burst", unless: qps && behavior == .reject, "applies only to grade qps with behavior reject", reader: &reader)
        fields.refuse("max_queueing_time", unless: qps && behavior == .throttle, "applies only to behavior throttle", reader: &reader)

        guard fields.valid, let resource, let source, let count else { return }
        let position = fields.position(of: "param", reader: reader)
        switch source {
        case .pathParam(let variable): draft.pathVariables.append(.init(resource: resource, variable: variable, origin: position))
        case .field(let path): draft.argumentFields.append(.init(resource: resource, path: path, origin: position))
        default: break
        }
        let rule = ParamFlowRule(
            resource: resource, paramIdx: 0, grade: grade, count: count, behavior: behavior,
            maxQueueingTimeMs: maxQueueing ?? 0, burstCount: burst ?? 0, durationInSec: duration ?? 1, items: items ?? [])
        do throws(ParamFlowRule.ValidationError) {
            try rule.validate()
        } catch {
            let keys = [
                "resource": "resource", "count": "count", "paramIdx": "param", "burstCount": "burst",
                "maxQueueingTimeMs": "max_queueing_time", "durationInSec": "duration",
            ]
            fields.reject(field: error.field, reason: error.reason, keys: keys, reader: &reader)
        }
        guard fields.valid else { return }
        draft.rules.param.append(ParamRuleConfiguration(rule: rule, source: source))
    }

    /// `param:` with exactly one of `header`, `query`, `cookie`, `path` (a template variable), `field` (a dotted
    /// argument path) or `client_ip: true`.
    static func parseParamSource(_ node: Node, reader: inout YAMLReader) -> ParamSource? {
        guard let fields = reader.fields(of: node, what: "'param'", allowed: paramSourceKeys) else { return nil }
        guard fields.count == 1, let (key, field) = fields.first else {
            reader.error(at: node, "'param' must have exactly one of: \(paramSourceKeys.joined(separator: ", "))")
            return nil
        }
        if key == "client_ip" {
            guard let on = reader.bool(field.value, what: "'client_ip'") else { return nil }
            guard on else {
                reader.error(at: field.value, "'client_ip' must be true")
                return nil
            }
            return .clientIP
        }
        guard let name = reader.string(field.value, what: "'\(key)'") else { return nil }
        guard !name.isEmpty, !name.utf8.contains(where: { $0 < 0x20 }) else {
            reader.error(at: field.value, "'\(key)' must be non-empty text on one line")
            return nil
        }
        switch key {
        case "header":
            guard isHeaderName(name) else {
                reader.error(at: field.value, "'header' must be a header name, not '\(name)'")
                return nil
            }
            return .header(name.lowercased())
        case "query": return .query(name)
        case "cookie": return .cookie(name)
        case "path": return .pathParam(name)
        default:
            let path = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !path.contains(where: \.isEmpty) else {
                reader.error(at: field.value, "'field' must be a dotted field path such as req.user_id, not '\(name)'")
                return nil
            }
            return .field(path)
        }
    }

    /// `exceptions: {value: count}`: values with their own threshold (Sentinel's `paramFlowItemList`).
    static func parseParamExceptions(_ node: Node, reader: inout YAMLReader) -> [ParamFlowItem]? {
        guard let mapping = node.mapping else {
            reader.error(at: node, "'exceptions' must be a mapping of a parameter value to its own count")
            return nil
        }
        var items: [ParamFlowItem] = []
        var valid = true
        for (key, value) in mapping {
            guard let text = reader.string(key, what: "a value in 'exceptions'"),
                let count = reader.int(value, what: "the count of '\(text)'", range: 0...Int(Int32.max))
            else {
                valid = false
                continue
            }
            items.append(ParamFlowItem(value: text, count: count))
        }
        return valid ? items : nil
    }
}
