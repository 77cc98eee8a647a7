import SluiceJSON

extension SentinelRuleKind where Rule == DegradeRule {
    /// Java 1.8 `DegradeRule[]`, or sentinel-golang `circuitbreaker.Rule[]`.
    public static var degrade: Self {
        Self(name: "degrade", java: DegradeRuleJSON.java, go: DegradeRuleJSON.go)
    }
}

enum DegradeRuleJSON {
    /// Java 1.8's fields and defaults. A pre-1.8 file (`passCount` ...) reads as 1.8 reads it: its extra keys
    /// are ignored and grade 0 means slow-request ratio.
    static func java(_ reader: inout RuleFileReader) throws(JSONError) -> DegradeRule? {
        var resource = "", limitApp = "default"
        var grade = 0, count = 0.0, timeWindow = 0, minRequests = 5, slowRatio = 1.0, statInterval = 1000
        try reader.readObject { reader, key throws(JSONError) in
            switch key {
            case "resource": resource = try reader.string() ?? resource
            case "limitApp": limitApp = try reader.string() ?? limitApp
            case "grade": grade = try reader.int32() ?? grade
            case "count": count = try reader.double() ?? count
            case "timeWindow": timeWindow = try reader.int32() ?? timeWindow
            case "minRequestAmount": minRequests = try reader.int32() ?? minRequests
            case "slowRatioThreshold": slowRatio = try reader.double() ?? slowRatio
            case "statIntervalMs": statInterval = try reader.int32() ?? statInterval
            default: try reader.skip()
            }
        }
        guard reader.fault == nil else { return nil }
        guard let gradeValue = DegradeGrade(rawValue: grade) else {
            reader.fail(field: "grade", "must be 0 (slow request ratio), 1 (error ratio) or 2 (error count)")
            return nil
        }
        let rule = DegradeRule(
            resource: resource, grade: gradeValue, count: count, timeWindowSec: timeWindow,
            minRequestAmount: minRequests, slowRatioThreshold: slowRatio, statIntervalMs: statInterval,
            limitApp: limitApp.allSatisfy(\.isWhitespace) ? "default" : limitApp)
        return validated(rule, &reader) { $0 }
    }

    /// sentinel-golang's `circuitbreaker.Rule`: `threshold` is the ratio (or count), `maxAllowedRtMs` the slow RT.
    static func go(_ reader: inout RuleFileReader) throws(JSONError) -> DegradeRule? {
        var resource = ""
        var strategy = 0, retryTimeout = 0, minRequests = 0, statInterval = 0, buckets = 0, maxRt = 0, probes = 0
        var threshold = 0.0
        try reader.readObject { reader, key throws(JSONError) in
            switch key {
            case "resource": resource = try reader.string() ?? resource
            case "strategy": strategy = try reader.uint32() ?? strategy
            case "retryTimeoutMs": retryTimeout = try reader.uint32() ?? retryTimeout
            case "minRequestAmount": minRequests = try reader.uint64() ?? minRequests
            case "statIntervalMs": statInterval = try reader.uint32() ?? statInterval
            case "statSlidingWindowBucketCount": buckets = try reader.uint32() ?? buckets
            case "maxAllowedRtMs": maxRt = try reader.uint64() ?? maxRt
            case "threshold": threshold = try reader.double() ?? threshold
            case "probeNum": probes = try reader.uint64() ?? probes
            default: try reader.skip()
            }
        }
        guard reader.fault == nil else { return nil }
        if resource.isEmpty { reader.fail(field: "resource", "must not be empty") }
        guard let grade = DegradeGrade(rawValue: strategy) else {
            reader.fail(field: "strategy", "must be 0 (slow request ratio), 1 (error ratio) or 2 (error count)")
            return nil
        }
        let slow = grade == .slowRequestRatio
        let rule = DegradeRule(
            resource: resource, grade: grade, count: slow ? Double(maxRt) : threshold, timeWindowSec: 0,
            minRequestAmount: minRequests, slowRatioThreshold: slow ? threshold : 1.0, statIntervalMs: statInterval,
            // Go reads 0 buckets as 1, the type's default.
            dialect: .go(retryTimeoutMs: retryTimeout, probeNum: probes, bucketCount: max(buckets, 1)))
        return validated(rule, &reader) { field in
            switch field {
            case "count": slow ? "maxAllowedRtMs" : "threshold"
            case "slowRatioThreshold": "threshold"
            default: field
            }
        }
    }

    private static func validated(
        _ rule: DegradeRule, _ reader: inout RuleFileReader, jsonField: (String) -> String
    ) -> DegradeRule? {
        guard reader.fault == nil else { return nil }
        do throws(DegradeRule.ValidationError) {
            try rule.validate()
            return rule
        } catch {
            reader.fail(field: jsonField(error.field), error.reason)
            return nil
        }
    }
}
