internal import SluiceFlow
internal import Yams

extension RouteFile {
    static let circuitBreakerKeys = [
        "resource", "strategy", "threshold", "max_rt", "min_requests", "stat_interval", "recovery_timeout", "errors",
    ]
    static let breakerStrategies: [(name: String, value: DegradeGrade)] = [
        ("slow_ratio", .slowRequestRatio), ("error_ratio", .errorRatio), ("error_count", .errorCount),
    ]

    /// One `circuit_breakers:` entry (Sentinel's `DegradeRule`), appended to `draft` when it has no problem;
    /// its `errors:` join the resource's error outcomes.
    static func parseCircuitBreaker(_ node: Node, into draft: inout FlowRulesDraft, reader: inout YAMLReader) {
        guard var fields = RuleFields(node, what: "a circuit breaker", allowed: circuitBreakerKeys, reader: &reader) else { return }
        let resource = ruleResource(&fields, into: &draft, reader: &reader)
        let grade = fields.required("strategy", reader: &reader) == nil
            ? nil : fields.choice("strategy", among: breakerStrategies, reader: &reader)
        let isRatio = grade == .slowRequestRatio || grade == .errorRatio
        let threshold = fields.required("threshold", reader: &reader) == nil
            ? nil : fields.number("threshold", least: 0, most: isRatio ? 1 : .infinity, reader: &reader)
        let maxRT = fields.milliseconds("max_rt", reader: &reader)
        if grade == .slowRequestRatio, fields["max_rt"] == nil {
            fields.fail(at: "strategy", "strategy slow_ratio needs 'max_rt' (the longest response time that is not slow)", reader: &reader)
        }
        fields.refuse("max_rt", unless: grade == .slowRequestRatio || grade == nil, "applies only to strategy slow_ratio", reader: &reader)
        let minRequests = fields.int("min_requests", range: 1...Int(Int32.max), reader: &reader)
        let statInterval = fields.milliseconds("stat_interval", reader: &reader)
        // Sentinel's `timeWindow` is whole seconds.
        let recovery = fields.required("recovery_timeout", reader: &reader) == nil
            ? nil : fields.wholeSeconds("recovery_timeout", reader: &reader)
        let outcomes = fields.read("errors", reader: &reader) { node, reader in parseOutcomes(node, reader: &reader) }

        guard fields.valid, let resource, let grade, let threshold, let recovery else { return }
        let slow = grade == .slowRequestRatio
        let rule = DegradeRule(
            resource: resource, grade: grade, count: slow ? Double(maxRT ?? 0) : threshold, timeWindowSec: recovery,
            minRequestAmount: minRequests ?? 5, slowRatioThreshold: slow ? threshold : 1.0, statIntervalMs: statInterval ?? 1000)
        do throws(DegradeRule.ValidationError) {
            try rule.validate()
        } catch {
            let keys = [
                "resource": "resource", "count": slow ? "max_rt" : "threshold", "timeWindow": "recovery_timeout",
                "minRequestAmount": "min_requests", "statIntervalMs": "stat_interval", "slowRatioThreshold": "threshold",
            ]
            fields.reject(field: error.field, reason: error.reason, keys: keys, reader: &reader)
        }
        guard fields.valid else { return }
        draft.rules.degrade.append(rule)
        guard let outcomes, !outcomes.isEmpty else { return }
        draft.rules.errorOutcomes[resource, default: []].formUnion(outcomes.map(\.match))
        for case (.exception(let name), let origin) in outcomes {
            draft.exceptions.append(.init(resource: resource, name: name, origin: origin))
        }
    }

    /// `errors: ["exception:Busy", "grpc:RESOURCE_EXHAUSTED", "http:429"]`, each where it is written (an
    /// exception's name is checked against the IDL once the routes are known).
    static func parseOutcomes(_ node: Node, reader: inout YAMLReader) -> [(match: OutcomeMatch, origin: ConfigOrigin)]? {
        guard let list = reader.sequence(node, what: "'errors'") else { return nil }
        var outcomes: [(match: OutcomeMatch, origin: ConfigOrigin)] = []
        var valid = true
        for item in list {
            guard let text = reader.string(item, what: "an error outcome") else { valid = false; continue }
            if let outcome = OutcomeMatch(parsing: text) {
                outcomes.append((outcome, reader.origin(of: item)))
            } else {
                let expected = "exception:<Name>, grpc:<code name or 1...16>, or http:<status 100...599>"
                reader.error(at: item, "bad error outcome '\(text)' (expected \(expected))")
                valid = false
            }
        }
        return valid ? outcomes : nil
    }
}
