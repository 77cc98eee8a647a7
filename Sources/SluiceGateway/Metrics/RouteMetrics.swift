internal import Metrics
internal import NIOCore
internal import Synchronization

/// One route's request metrics: answers by status and ingress protocol, and the time to the response head.
/// Made once per route label and kept across reloads (``GatewayMetrics/route(_:)``), so a reload does not
/// reset a route's counts.
///
/// Each (status, protocol) pair's counter is made on its first answer and found again by an integer key under
/// a short lock: the registry's own lookup (names and label lists) stays off the request path.
final class RouteMetrics: Sendable {
    let route: String
    private let factory: any MetricsFactory
    private let duration: Metrics.Timer
    private let answers: Mutex<[Int: Counter]> = Mutex([:])
    private let blocks: Mutex<[String: Counter]> = Mutex([:])
    /// Made on the first call a flow guard lets through: a route without rules has no such series.
    private let passes: Mutex<Counter?> = Mutex(nil)

    init(route: String, factory: any MetricsFactory) {
        self.route = route
        self.factory = factory
        duration = Metrics.Timer(label: "sluice_request_duration_seconds", dimensions: [("route", route)], factory: factory)
    }

    /// An answer's head went out `started` (uptime nanoseconds) after its request arrived.
    func answered(status: Int, ingress: IngressProtocol, started: UInt64) {
        answered(status: status, ingress: ingress, elapsed: NIODeadline.now().uptimeNanoseconds &- started)
    }

    /// An answer's head went out `elapsed` nanoseconds after its request arrived.
    func answered(status: Int, ingress: IngressProtocol, elapsed: UInt64) {
        duration.recordNanoseconds(Int64(truncatingIfNeeded: elapsed))
        counter(status: status, ingress: ingress).increment()
    }

    private func counter(status: Int, ingress: IngressProtocol) -> Counter {
        let key = status << 2 | Int(ingress.rawValue)
        if let known = answers.withLock({ $0[key] }) { return known }
        let made = Counter(
            label: "sluice_requests_total",
            dimensions: [("route", route), ("status", String(status)), ("protocol", ingress.label)], factory: factory)
        return answers.withLock { table in
            if let raced = table[key] { return raced }
            table[key] = made
            return made
        }
    }

    /// A flow-control rule refused a call (`code`: `flow_blocked` or `circuit_open`; `rule`: the kind of rule,
    /// `flow`, `param_flow`, `system`, `gateway` or `circuit_breaker`).
    func blocked(code: String, rule: String?) {
        let rule = rule ?? "unknown"
        let key = code + "/" + rule
        let counter = blocks.withLock { table in
            if let known = table[key] { return known }
            let made = Counter(
                label: "sluice_flow_blocked_total", dimensions: [("route", route), ("code", code), ("rule", rule)], factory: factory)
            table[key] = made
            return made
        }
        counter.increment()
    }

    /// An edge plugin refused a request (`plugin`: `key_auth`, ...; `code`: `unauthorized` or `forbidden`).
    func pluginBlocked(plugin: String, code: String) {
        let key = "plugin/" + plugin + "/" + code
        let counter = blocks.withLock { table in
            if let known = table[key] { return known }
            let made = Counter(
                label: "sluice_plugin_blocked_total", dimensions: [("route", route), ("plugin", plugin), ("code", code)], factory: factory)
            table[key] = made
            return made
        }
        counter.increment()
    }

    /// The route's flow guard let a call through (at once, or after its queueing wait).
    func passed() {
        let counter = passes.withLock { counter in
            if let counter { return counter }
            let made = Counter(label: "sluice_flow_passed_total", dimensions: [("route", route)], factory: factory)
            counter = made
            return made
        }
        counter.increment()
    }
}
