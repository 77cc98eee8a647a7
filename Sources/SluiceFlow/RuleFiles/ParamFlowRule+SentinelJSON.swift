import SluiceJSON

extension SentinelRuleKind where Rule == ParamFlowRule {
    /// Java `ParamFlowRule[]` (also the dashboard's `{"rule": {...}}` entities), or sentinel-golang's hotspot
    /// datasource rules.
    public static var paramFlow: Self {
        Self(name: "param_flow", java: ParamFlowRuleJSON.java, go: ParamFlowRuleJSON.go)
    }
}

enum ParamFlowRuleJSON {
    static func java(_ reader: inout RuleFileReader) throws(JSONError) -> ParamFlowRule? {
        guard try isWrapped(reader.scanner) else { return try javaFields(&reader) }
        // The dashboard's `ParamFlowRuleEntity`: the rule is under "rule"; its other keys (app, ip ...) are not.
        var rule: ParamFlowRule?
        try reader.readObject { reader, key throws(JSONError) in
            guard key == "rule" else { return try reader.skip() }
            reader.enterWrappedRule()
            rule = try javaFields(&reader)
        }
        return rule
    }

    /// Whether the object ahead has a `"rule"` member that is an object (scanned on a copy of the scanner).
    private static func isWrapped(_ scanner: JSONScanner) throws(JSONError) -> Bool {
        var scanner = scanner
        var cursor = try scanner.beginObject()
        var wrapped = false
        while let key = try scanner.nextKey(&cursor) {
            if scanner.string(key, equals: "rule"), try scanner.peekKind() == .object { wrapped = true }
            try scanner.skipValue()
        }
        return wrapped
    }

    private static func javaFields(_ reader: inout RuleFileReader) throws(JSONError) -> ParamFlowRule? {
        var resource = "", limitApp = "default", paramIdx: Int?
        var grade = 1, count = 0.0, behavior = 0, maxQueueing = 0, burst = 0, duration = 1
        var clusterMode = false, regex = false
        var items: [ParamFlowItem] = []
        try reader.readObject { reader, key throws(JSONError) in
            switch key {
            case "resource": resource = try reader.string() ?? resource
            case "limitApp": limitApp = try reader.string() ?? limitApp
            case "grade": grade = try reader.int32() ?? grade
            case "paramIdx": paramIdx = try reader.int32()
            case "count": count = try reader.double() ?? count
            case "controlBehavior": behavior = try reader.int32() ?? behavior
            case "maxQueueingTimeMs": maxQueueing = try reader.int32() ?? maxQueueing
            case "burstCount": burst = try reader.int32() ?? burst
            case "durationInSec": duration = try reader.int64() ?? duration
            case "clusterMode": clusterMode = try reader.bool() ?? clusterMode
            case "regex": regex = try reader.bool() ?? regex
            case "paramFlowItemList":
                try reader.readArray { reader, _ throws(JSONError) in
                    if let item = try javaItem(&reader) { items.append(item) }
                }
            default: try reader.skip()
            }
        }
        guard reader.fault == nil else { return nil }
        guard let gradeValue = ParamFlowGrade(rawValue: grade) else {
            reader.fail(field: "grade", "must be 0 (thread count) or 1 (QPS)")
            return nil
        }
        if behavior < 0 { reader.fail(field: "controlBehavior", "must be >= 0") }
        if clusterMode { reader.fail(field: "clusterMode", "cluster flow control is not supported") }
        if regex { reader.fail(field: "regex", "regex resources are not supported") }
        let rule = ParamFlowRule(
            resource: resource, paramIdx: paramIdx, grade: gradeValue, count: count,
            behavior: ParamFlowBehavior(sentinelValue: behavior), maxQueueingTimeMs: maxQueueing, burstCount: burst,
            durationInSec: duration, items: items, limitApp: limitApp.allSatisfy(\.isWhitespace) ? "default" : limitApp)
        return validated(rule, &reader) { $0 }
    }

    /// One `ParamFlowItem`; one that does not parse is ignored, as `ParamFlowRuleUtil.parseHotItems` does.
    private static func javaItem(_ reader: inout RuleFileReader) throws(JSONError) -> ParamFlowItem? {
        var object: String?, count: Int?, classType: String?
        let at = reader.scanner.offset
        let isObject = try reader.readObject { reader, key throws(JSONError) in
            switch key {
            case "object": object = try reader.text()
            case "count": count = try reader.int32()
            case "classType": classType = try reader.string()
            default: try reader.skip()
            }
        }
        guard isObject, reader.fault == nil else { return nil }
        guard let item = ParamFlowItem(object: object, count: count, classType: classType) else {
            reader.warn(at: at, "ignored: needs an object of its classType and a count >= 0")
            return nil
        }
        return item
    }

    /// sentinel-golang's hotspot datasource rule (`ext/datasource.HotspotRule`, plus the core rule's `paramKey`).
    /// `paramsMaxCapacity` is not read: the engine bounds each rule's values as Java does.
    static func go(_ reader: inout RuleFileReader) throws(JSONError) -> ParamFlowRule? {
        var resource = "", paramKey = ""
        var metric = 0, behavior = 0, paramIndex = 0, threshold = 0, maxQueueing = 0, burst = 0, duration = 0
        var items: [ParamFlowItem] = []
        try reader.readObject { reader, key throws(JSONError) in
            switch key {
            case "resource": resource = try reader.string() ?? resource
            case "metricType": metric = try reader.int32() ?? metric
            case "controlBehavior": behavior = try reader.int32() ?? behavior
            case "paramIndex": paramIndex = try reader.int64() ?? paramIndex
            case "paramKey": paramKey = try reader.string() ?? paramKey
            case "threshold": threshold = try reader.int64() ?? threshold
            case "maxQueueingTimeMs": maxQueueing = try reader.int64() ?? maxQueueing
            case "burstCount": burst = try reader.int64() ?? burst
            case "durationInSec": duration = try reader.int64() ?? duration
            case "specificItems":
                try reader.readArray { reader, _ throws(JSONError) in
                    if let item = try goItem(&reader) { items.append(item) }
                }
            default: try reader.skip()
            }
        }
        guard reader.fault == nil else { return nil }
        if resource.isEmpty { reader.fail(field: "resource", "must not be empty") }
        if threshold < 0 { reader.fail(field: "threshold", "must be >= 0") }
        guard let grade = ParamFlowGrade(rawValue: metric) else {
            reader.fail(field: "metricType", "must be 0 (concurrency) or 1 (QPS)")
            return nil
        }
        guard behavior == 0 || behavior == 1 else {
            reader.fail(field: "controlBehavior", "must be 0 (reject) or 1 (throttling)")
            return nil
        }
        if grade == .qps && duration <= 0 { reader.fail(field: "durationInSec", "must be > 0") }
        if paramIndex > 0 && !paramKey.isEmpty {
            reader.fail(field: "paramKey", "paramIndex and paramKey are mutually exclusive")
        }
        if behavior == 0 && burst < 0 { reader.fail(field: "burstCount", "must be >= 0") }
        if behavior == 1 && maxQueueing < 0 { reader.fail(field: "maxQueueingTimeMs", "must be >= 0") }
        guard reader.fault == nil else { return nil }
        let rule = ParamFlowRule(
            resource: resource, paramIdx: paramKey.isEmpty ? paramIndex : nil,
            paramKey: paramKey.isEmpty ? nil : paramKey,
            grade: grade, count: Double(threshold), behavior: behavior == 1 ? .throttle : .reject,
            // Go ignores these outside their mode; the module's validation would not.
            maxQueueingTimeMs: behavior == 1 ? maxQueueing : 0, burstCount: behavior == 0 ? burst : 0,
            durationInSec: grade == .qps ? duration : max(duration, 1), items: items)
        return validated(rule, &reader) { field in
            switch field {
            case "count": "threshold"
            case "paramIdx": "paramIndex"
            default: field
            }
        }
    }

    /// One Go `SpecificValue`: `valKind` 0 int, 1 string, 2 bool, 3 float64 (kept to 5 decimals, as Go does).
    private static func goItem(_ reader: inout RuleFileReader) throws(JSONError) -> ParamFlowItem? {
        var kind = 0, text = "", threshold = 0
        let at = reader.scanner.offset
        let isObject = try reader.readObject { reader, key throws(JSONError) in
            switch key {
            case "valKind": kind = try reader.int64() ?? kind
            case "valStr": text = try reader.string() ?? text
            case "threshold": threshold = try reader.int64() ?? threshold
            default: try reader.skip()
            }
        }
        guard isObject, reader.fault == nil else { return nil }
        let value: String? = switch kind {
        case 0: Int64(text).map(String.init)
        case 1: text
        case 2: ["1", "t", "T", "TRUE", "true", "True"].contains(text)
            ? "true" : ["0", "f", "F", "FALSE", "false", "False"].contains(text) ? "false" : nil
        case 3: Double(text).flatMap { $0.isFinite ? "\(($0 * 100_000).rounded() / 100_000)" : nil }
        default: nil
        }
        guard let value, threshold >= 0 else {
            reader.warn(at: at, "ignored: valStr does not parse as its valKind, or the threshold is negative")
            return nil
        }
        return ParamFlowItem(value: value, count: threshold)
    }

    private static func validated(
        _ rule: ParamFlowRule, _ reader: inout RuleFileReader, jsonField: (String) -> String
    ) -> ParamFlowRule? {
        guard reader.fault == nil else { return nil }
        do throws(ParamFlowRule.ValidationError) {
            try rule.validate()
            return rule
        } catch {
            reader.fail(field: jsonField(error.field), error.reason)
            return nil
        }
    }
}
