internal import NIOCore
internal import Yams
internal import SluiceClient

/// `retry:` and `hedge:`, read alike on a service and on a route (a route's override the service's); the
/// client's value types judge the values, and their errors are put back on the node they name.
extension RouteFile {
    static let retryKeys = ["max_attempts", "per_try_timeout", "backoff", "on", "budget", "idempotent"]
    static let backoffKeys = ["base", "max"]
    static let budgetKeys = ["ratio", "min_per_second"]
    static let hedgeKeys = ["delay", "max_extra"]

    /// A route's `timeout`, `retry` and `hedge`; fields of other keys are ignored.
    static func parseCallPolicyOverride(
        _ fields: [String: (key: Node, value: Node)], reader: inout YAMLReader, valid: inout Bool
    ) -> CallPolicyOverride {
        var policy = CallPolicyOverride()
        if let field = fields["timeout"] {
            policy.timeout = reader.duration(field.value, what: "'timeout'")
            if policy.timeout == nil { valid = false }
        }
        if let field = fields["retry"] {
            policy.retry = parseRetry(field.value, reader: &reader)
            if policy.retry == nil { valid = false }
        }
        if let field = fields["hedge"] {
            policy.hedge = parseHedge(field.value, reader: &reader)
            if policy.hedge == nil { valid = false }
        }
        return policy
    }

    /// `retry: {max_attempts, per_try_timeout, backoff: {base, max}, on: [...], budget: {ratio,
    /// min_per_second}, idempotent}`; what is left out keeps ``RetryPolicy``'s default. Nil after an error.
    static func parseRetry(_ node: Node, reader: inout YAMLReader) -> RetryPolicy? {
        let before = reader.diagnostics.count
        guard let fields = reader.fields(of: node, what: "'retry'", allowed: retryKeys, suggesting: true) else { return nil }
        var policy = RetryPolicy()
        var nodes = PolicyFieldNodes()
        nodes.record("retry", node)
        if let field = fields["max_attempts"] {
            nodes.record("retry.max_attempts", field.value)
            policy.maxAttempts = reader.integer(field.value, what: "'retry.max_attempts'") ?? policy.maxAttempts
        }
        if let field = fields["per_try_timeout"] {
            policy.perTryTimeout = reader.duration(field.value, what: "'retry.per_try_timeout'")
        }
        if let field = fields["backoff"] {
            nodes.record("retry.backoff", field.value)
            if let backoff = reader.fields(of: field.value, what: "'retry.backoff'", allowed: backoffKeys, suggesting: true) {
                for (key, keyPath) in [("base", \RetryBackoff.base), ("max", \.max)] {
                    guard let item = backoff[key] else { continue }
                    nodes.record("retry.backoff.\(key)", item.value)
                    if let value = reader.duration(item.value, what: "'retry.backoff.\(key)'") {
                        policy.backoff[keyPath: keyPath] = value
                    }
                }
            }
        }
        if let field = fields["on"] {
            policy.conditions = parseRetryConditions(field.value, reader: &reader) ?? policy.conditions
        }
        if let field = fields["budget"] {
            nodes.record("retry.budget", field.value)
            if let budget = reader.fields(of: field.value, what: "'retry.budget'", allowed: budgetKeys, suggesting: true) {
                if let item = budget["ratio"] {
                    nodes.record("retry.budget.ratio", item.value)
                    policy.budget.ratio =
                        reader.number(item.value, what: "'retry.budget.ratio'", least: 0, most: 1) ?? policy.budget.ratio
                }
                if let item = budget["min_per_second"] {
                    nodes.record("retry.budget.min_per_second", item.value)
                    policy.budget.minPerSecond =
                        reader.integer(item.value, what: "'retry.budget.min_per_second'") ?? policy.budget.minPerSecond
                }
            }
        }
        if let field = fields["idempotent"] {
            policy.idempotent = reader.bool(field.value, what: "'retry.idempotent'") ?? false
        }
        guard reader.diagnostics.count == before else { return nil }
        return nodes.validated(policy, fallback: node, reader: &reader) { policy throws(PolicyError) in try policy.validate() }
    }

    /// `on:`, each entry read by ``RetryCondition/init(parsing:)``, which suggests the nearest spelling.
    private static func parseRetryConditions(_ node: Node, reader: inout YAMLReader) -> [RetryCondition]? {
        guard let items = reader.sequence(node, what: "'retry.on'") else { return nil }
        guard !items.isEmpty else {
            reader.error(at: node, "retry.on: name at least one failure to retry (leave 'retry' out to retry nothing)")
            return nil
        }
        var conditions: [RetryCondition] = []
        for item in items {
            guard let text = reader.string(item, what: "an entry of 'retry.on'") else { continue }
            do {
                conditions.append(try RetryCondition(parsing: text))
            } catch {
                reader.error(at: item, "retry.on: \(error)")
            }
        }
        return conditions.count == items.count ? conditions : nil
    }

    /// `hedge: {delay: 50ms | p95, max_extra}`; `delay` is required. Nil after an error.
    static func parseHedge(_ node: Node, reader: inout YAMLReader) -> HedgePolicy? {
        let before = reader.diagnostics.count
        guard let fields = reader.fields(of: node, what: "'hedge'", allowed: hedgeKeys, suggesting: true) else { return nil }
        var nodes = PolicyFieldNodes()
        nodes.record("hedge", node)
        var delay: HedgePolicy.Delay?
        if let field = fields["delay"] {
            nodes.record("hedge.delay", field.value)
            if let text = reader.string(field.value, what: "'hedge.delay'") {
                if let amount = ConfigDuration.parse(text) {
                    delay = .fixed(amount)
                } else {
                    do {
                        delay = try HedgePolicy.Delay(percentile: text)
                    } catch {
                        nodes.report(field: error.field, error.message, fallback: node, reader: &reader)
                    }
                }
            }
        } else {
            reader.error(at: node, "hedge.delay: required (a duration such as 50ms, or a percentile such as p95)")
        }
        var maxExtra = 1
        if let field = fields["max_extra"] {
            nodes.record("hedge.max_extra", field.value)
            maxExtra = reader.integer(field.value, what: "'hedge.max_extra'") ?? maxExtra
        }
        guard reader.diagnostics.count == before, let delay else { return nil }
        let policy = HedgePolicy(delay: delay, maxExtra: maxExtra)
        return nodes.validated(policy, fallback: node, reader: &reader) { policy throws(PolicyError) in try policy.validate() }
    }
}
