internal import SluiceFlow

/// The answers to blocked calls: 429 `flow_blocked` naming the kind of rule and the resource, or 503
/// `circuit_open` with `Retry-After` (the seconds until the breaker lets its next probe through, at least 1).
enum FlowBlockAnswer {
    static func error(for block: FlowBlock, resource: String, now: Int64) -> GatewayError {
        switch block {
        case .flow(let rule):
            let grade = rule.grade == .qps ? "QPS" : "concurrency"
            let origin = rule.limitApp == FlowRule.defaultLimitApp ? "" : " for origin '\(rule.limitApp)'"
            return GatewayError(
                .flowBlocked, "'\(resource)' is over its flow limit (\(grade) \(count(rule.count))\(origin))",
                rule: "flow", resource: resource)
        case .param(let rule):
            return GatewayError(
                .flowBlocked, "'\(resource)' is over its limit per parameter value (\(count(rule.count)) per \(rule.durationInSec) s)",
                rule: "param_flow", resource: resource)
        case .system(let reason):
            return GatewayError(
                .flowBlocked, "the gateway is over its system limit on \(reason.rawValue == "thread" ? "concurrency" : reason.rawValue)",
                rule: "system", resource: resource)
        case .gateway:
            return gateway(resource: resource)
        case .degrade(_, let retryAt):
            let seconds = max(1, (retryAt - now + 999) / 1000)
            return GatewayError(
                .circuitOpen, "the circuit breaker of '\(resource)' is open", rule: "circuit_breaker", resource: resource,
                retryAfter: Int(seconds))
        }
    }

    static func gateway(resource: String) -> GatewayError {
        GatewayError(.flowBlocked, "'\(resource)' is over its gateway flow limit", rule: "gateway", resource: resource)
    }

    /// `100`, not `100.0`.
    private static func count(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
