import SluiceJSON

extension SentinelRuleKind where Rule == GatewayFlowRule {
    /// Java's `GatewayFlowRule[]` (Spring Cloud Alibaba's `gw-flow`); there is no Go format.
    public static var gatewayFlow: Self {
        Self(name: "gateway_flow", java: GatewayFlowRuleJSON.java)
    }
}

enum GatewayFlowRuleJSON {
    static func java(_ reader: inout RuleFileReader) throws(JSONError) -> GatewayFlowRule? {
        var resource = "", mode = 0, grade = 1, count = 0.0, interval = 1, behavior = 0, burst = 0, maxQueueing = 500
        var item: GatewayParamFlowItem?
        try reader.readObject { reader, key throws(JSONError) in
            switch key {
            case "resource": resource = try reader.string() ?? resource
            case "resourceMode": mode = try reader.int32() ?? mode
            case "grade": grade = try reader.int32() ?? grade
            case "count": count = try reader.double() ?? count
            case "intervalSec": interval = try reader.int64() ?? interval
            case "controlBehavior": behavior = try reader.int32() ?? behavior
            case "burst": burst = try reader.int32() ?? burst
            case "maxQueueingTimeoutMs": maxQueueing = try reader.int32() ?? maxQueueing
            case "paramItem": item = try paramItem(&reader)
            default: try reader.skip()
            }
        }
        guard reader.fault == nil else { return nil }
        guard let modeValue = GatewayResourceMode(rawValue: mode) else {
            reader.fail(field: "resourceMode", "must be 0 (route ID) or 1 (API name)")
            return nil
        }
        guard let gradeValue = ParamFlowGrade(rawValue: grade) else {
            reader.fail(field: "grade", "must be 0 (thread count) or 1 (QPS)")
            return nil
        }
        if behavior < 0 { reader.fail(field: "controlBehavior", "must be >= 0") }
        guard reader.fault == nil else { return nil }
        let rule = GatewayFlowRule(
            resource: resource, resourceMode: modeValue, grade: gradeValue, count: count, intervalSec: interval,
            behavior: ParamFlowBehavior(sentinelValue: behavior), burst: burst, maxQueueingTimeoutMs: maxQueueing,
            paramItem: item)
        do throws(GatewayFlowRule.ValidationError) {
            try rule.validate()
            return rule
        } catch {
            reader.fail(field: error.field, error.reason)
            return nil
        }
    }

    /// `GatewayParamFlowItem`; its `index` is assigned by the engine, not read.
    private static func paramItem(_ reader: inout RuleFileReader) throws(JSONError) -> GatewayParamFlowItem? {
        var parse = 0, match = 0, fieldName: String?, pattern: String?
        let isObject = try reader.readObject { reader, key throws(JSONError) in
            switch key {
            case "parseStrategy": parse = try reader.int32() ?? parse
            case "matchStrategy": match = try reader.int32() ?? match
            case "fieldName": fieldName = try reader.string()
            case "pattern": pattern = try reader.string()
            default: try reader.skip()
            }
        }
        guard isObject, reader.fault == nil else { return nil }
        guard let parseValue = GatewayParseStrategy(rawValue: parse) else {
            reader.fail(
                field: "paramItem.parseStrategy",
                "must be 0 (client IP), 1 (Host), 2 (header), 3 (URL parameter) or 4 (cookie)")
            return nil
        }
        guard let matchValue = GatewayParamMatchStrategy(rawValue: match) else {
            reader.fail(field: "paramItem.matchStrategy", "must be 0 (exact), 1 (prefix), 2 (regex) or 3 (contains)")
            return nil
        }
        return GatewayParamFlowItem(
            parseStrategy: parseValue, fieldName: fieldName, pattern: pattern, matchStrategy: matchValue)
    }
}
