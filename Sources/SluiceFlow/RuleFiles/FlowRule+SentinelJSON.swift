import SluiceJSON

extension SentinelRuleKind where Rule == FlowRule {
    /// Java `FlowRule[]`, or sentinel-golang `flow.Rule[]`.
    public static var flow: Self {
        Self(name: "flow", java: FlowRuleJSON.java, go: FlowRuleJSON.go)
    }
}

enum FlowRuleJSON {
    /// Java's `FlowRule` with its defaults; validated as `FlowRuleUtil.isValidRule`.
    static func java(_ reader: inout RuleFileReader) throws(JSONError) -> FlowRule? {
        var resource = "", limitApp = FlowRule.defaultLimitApp, refResource: String?
        var grade = 1, count = 0.0, strategy = 0, behavior = 0, warmUp = 10, maxQueueing = 500
        var clusterMode = false, regex = false
        try reader.readObject { reader, key throws(JSONError) in
            switch key {
            case "resource": resource = try reader.string() ?? resource
            case "limitApp": limitApp = try reader.string() ?? limitApp
            case "grade": grade = try reader.int32() ?? grade
            case "count": count = try reader.double() ?? count
            case "strategy": strategy = try reader.int32() ?? strategy
            case "refResource": refResource = try reader.string()
            case "controlBehavior": behavior = try reader.int32() ?? behavior
            case "warmUpPeriodSec": warmUp = try reader.int32() ?? warmUp
            case "maxQueueingTimeMs": maxQueueing = try reader.int32() ?? maxQueueing
            case "clusterMode": clusterMode = try reader.bool() ?? clusterMode
            case "regex": regex = try reader.bool() ?? regex
            default: try reader.skip()
            }
        }
        guard reader.fault == nil else { return nil }
        guard let gradeValue = FlowRule.Grade(rawValue: grade) else {
            reader.fail(field: "grade", "must be 0 (thread count) or 1 (QPS)")
            return nil
        }
        guard let strategyValue = FlowRule.Strategy(rawValue: strategy) else {
            // Sentinel loads it, but selects no node for it: the rule never applies.
            reader.fail(field: "strategy", "must be 0 (direct), 1 (relate) or 2 (chain)")
            return nil
        }
        guard behavior >= 0 else {
            reader.fail(field: "controlBehavior", "must be >= 0")
            return nil
        }
        if clusterMode { reader.fail(field: "clusterMode", "cluster flow control is not supported") }
        if regex { reader.fail(field: "regex", "regex resources are not supported") }
        // Sentinel gives every other behaviour the default controller.
        let rule = FlowRule(
            resource: resource, limitApp: limitApp, grade: gradeValue, count: count, strategy: strategyValue,
            refResource: refResource, behavior: FlowRule.Behavior(rawValue: behavior) ?? .reject,
            warmUpPeriodSec: warmUp, maxQueueingTimeMs: maxQueueing)
        return validated(rule, &reader, countField: "count")
    }

    /// sentinel-golang's `flow.Rule`: `threshold` per second, `tokenCalculateStrategy` × `controlBehavior`;
    /// validated as its `IsValidRule`. What the module cannot express (memory-adaptive thresholds, a
    /// statistic interval other than 1 s, regex) is a fault naming the field.
    static func go(_ reader: inout RuleFileReader) throws(JSONError) -> FlowRule? {
        var resource = "", refResource: String?
        var calculate = 0, behavior = 0, relation = 0, threshold = 0.0
        var maxQueueing = 0, warmUp = 0, coldFactor = 0, statInterval = 0, regex = false
        try reader.readObject { reader, key throws(JSONError) in
            switch key {
            case "resource": resource = try reader.string() ?? resource
            case "tokenCalculateStrategy": calculate = try reader.int32() ?? calculate
            case "controlBehavior": behavior = try reader.int32() ?? behavior
            case "threshold": threshold = try reader.double() ?? threshold
            case "relationStrategy": relation = try reader.int32() ?? relation
            case "refResource": refResource = try reader.string()
            case "maxQueueingTimeMs": maxQueueing = try reader.uint32() ?? maxQueueing
            case "warmUpPeriodSec": warmUp = try reader.uint32() ?? warmUp
            case "warmUpColdFactor": coldFactor = try reader.uint32() ?? coldFactor
            case "statIntervalInMs": statInterval = try reader.uint32() ?? statInterval
            case "regex": regex = try reader.bool() ?? regex
            default: try reader.skip()
            }
        }
        guard reader.fault == nil else { return nil }
        if resource.isEmpty { reader.fail(field: "resource", "must not be empty") }
        if threshold < 0 { reader.fail(field: "threshold", "must be >= 0") }
        if calculate < 0 { reader.fail(field: "tokenCalculateStrategy", "must be >= 0") }
        if behavior < 0 { reader.fail(field: "controlBehavior", "must be >= 0") }
        if relation != 0 && relation != 1 {
            reader.fail(field: "relationStrategy", "must be 0 (current resource) or 1 (associated resource)")
        }
        if calculate == 1 && coldFactor == 1 { reader.fail(field: "warmUpColdFactor", "must be greater than 1") }
        if calculate == 2 { reader.fail(field: "tokenCalculateStrategy", "MemoryAdaptive (2) is not supported") }
        if calculate > 2 { reader.fail(field: "tokenCalculateStrategy", "must be 0 (direct) or 1 (warm up)") }
        if behavior > 1 { reader.fail(field: "controlBehavior", "must be 0 (reject) or 1 (throttling)") }
        if statInterval != 0 && statInterval != 1000 {
            reader.fail(field: "statIntervalInMs", "only 0 and 1000 (a threshold per second) are supported")
        }
        if regex { reader.fail(field: "regex", "regex resources are not supported") }
        guard reader.fault == nil else { return nil }
        let shape: FlowRule.Behavior = switch (calculate, behavior) {
        case (1, 0): .warmUp
        case (0, 1): .throttle
        case (1, 1): .warmUpThrottle
        default: .reject
        }
        let rule = FlowRule(
            resource: resource, count: threshold, strategy: relation == 1 ? .relate : .direct,
            refResource: refResource, behavior: shape, warmUpPeriodSec: warmUp, maxQueueingTimeMs: maxQueueing,
            coldFactor: coldFactor, dialect: .go)
        return validated(rule, &reader, countField: "threshold")
    }

    private static func validated(_ rule: FlowRule, _ reader: inout RuleFileReader, countField: String) -> FlowRule? {
        guard reader.fault == nil else { return nil }
        do throws(RuleValidationError) {
            try rule.validate()
            return rule
        } catch {
            reader.fail(field: error.field == "count" ? countField : error.field, error.reason)
            return nil
        }
    }
}
