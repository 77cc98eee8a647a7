internal import CoreMetrics
internal import Metrics
internal import Prometheus
internal import SluiceClient
internal import SluiceFlow
internal import Synchronization

/// The gateway's metrics, served by the admin listener at `/metrics` in Prometheus' text format.
///
/// Recorded through swift-metrics' API into a swift-prometheus registry this gateway owns, not the
/// process-wide bootstrap: two gateways in one process (tests) keep theirs apart. Outlives snapshots, so a
/// reload keeps the counts. What is a state rather than an event (breakers, endpoints) is read when scraped.
final class GatewayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let routes: Mutex<[String: RouteMetrics]> = Mutex([:])
    /// The gauges the last scrape set, by series: one not set again (a removed endpoint or rule) is removed
    /// from the registry, so discovery churning through addresses cannot grow the exposition without bound.
    private let states: Mutex<[String: CoreMetrics.Gauge]> = Mutex([:])
    /// Counters of totals the clients keep (attempts per endpoint), with the total each last brought them to.
    private let totals: Mutex<[String: (counter: CoreMetrics.Counter, total: Int)]> = Mutex([:])
    private let reloadSucceeded: CoreMetrics.Counter
    private let reloadFailed: CoreMetrics.Counter

    /// Request latency buckets: a gateway answers in about a millisecond and times out in seconds.
    static let durationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10),
    ]

    init(version: String) {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        self.factory = factory
        reloadSucceeded = CoreMetrics.Counter(label: "sluice_config_reloads_total", dimensions: [("result", "success")], factory: factory)
        reloadFailed = CoreMetrics.Counter(label: "sluice_config_reloads_total", dimensions: [("result", "failure")], factory: factory)
        CoreMetrics.Gauge(label: "sluice_build_info", dimensions: [("version", version)], factory: factory).record(1)
    }

    /// The metrics of the route labelled `label` (its flow-control resource name); the same object for the
    /// same label, reload after reload.
    func route(_ label: String) -> RouteMetrics {
        routes.withLock { table in
            if let known = table[label] { return known }
            let made = RouteMetrics(route: label, factory: factory)
            table[label] = made
            return made
        }
    }

    /// Requests no route matched (404, 405) count under this label.
    static let unmatchedRoute = "(unmatched)"

    func reloaded(succeeded: Bool) {
        (succeeded ? reloadSucceeded : reloadFailed).increment()
    }

    /// What has been recorded, in the exposition format (no scrape-time states).
    var recorded: String { registry.emitToString() }

    /// The exposition: states read now (breakers, endpoints), then everything recorded.
    func render(_ snapshot: RuntimeSnapshot) async -> [UInt8] {
        var values: [(label: String, dimensions: [(String, String)], value: Int)] = []
        for resource in snapshot.flow.engine.allResources {
            for breaker in resource.breakerStates {
                let strategy = AdminFlowView.strategy(breaker.rule.grade)
                for state in [CircuitBreakerState.closed, .open, .halfOpen] {
                    let dimensions = [("resource", resource.name), ("strategy", strategy), ("state", AdminFlowView.state(state))]
                    values.append(("sluice_circuit_breaker_state", dimensions, breaker.state == state ? 1 : 0))
                }
            }
        }
        var counted: [(label: String, dimensions: [(String, String)], total: Int)] = []
        for (service, statuses) in await AdminServices.statuses(snapshot) {
            for status in statuses {
                let dimensions = [("service", service), ("endpoint", status.endpoint.description)]
                let counts = status.counts
                counted += [
                    ("sluice_upstream_attempts_total", dimensions, counts.attempts),
                    ("sluice_upstream_retries_total", dimensions, counts.retries),
                    ("sluice_upstream_hedges_total", dimensions, counts.hedges),
                    ("sluice_upstream_failures_total", dimensions, counts.failures),
                    ("sluice_upstream_timeouts_total", dimensions, counts.timeouts),
                ]
                guard !status.draining else { continue }
                values.append(("sluice_upstream_endpoint_usable", dimensions, status.isUsable ? 1 : 0))
                values.append(("sluice_upstream_endpoint_in_flight", dimensions, status.inFlight))
                if let connections = status.connections {
                    values.append(("sluice_upstream_connections", dimensions, connections))
                }
            }
        }
        let direct = AdminServices.directConnections(snapshot)
        for service in snapshot.configuration.services {
            guard let open = direct[service.name], let endpoint = service.endpoints.first, service.endpoints.count == 1 else { continue }
            values.append(("sluice_upstream_connections", [("service", service.name), ("endpoint", endpoint.description)], open))
        }
        setStates(values)
        setTotals(counted)
        return registry.emitToBuffer()
    }

    /// Brings each counter up to the total a client reports (a total below the last, an endpoint that left
    /// and came back, starts it again from there); counters of totals no longer reported leave the exposition.
    func setTotals(_ values: [(label: String, dimensions: [(String, String)], total: Int)]) {
        let factory = self.factory
        let stale = totals.withLock { counters -> [CoreMetrics.Counter] in
            var fresh: [String: (counter: CoreMetrics.Counter, total: Int)] = [:]
            for (label, dimensions, total) in values {
                let series = Self.series(label, dimensions)
                let known = counters[series]
                let counter = known?.counter ?? CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
                let last = known?.total ?? 0
                let delta = total >= last ? total - last : total
                if delta > 0 { counter.increment(by: delta) }
                fresh[series] = (counter, total)
            }
            defer { counters = fresh }
            return counters.filter { fresh[$0.key] == nil }.map(\.value.counter)
        }
        for counter in stale { counter.destroy() }
    }

    /// One time series' key: its name and labels.
    private static func series(_ label: String, _ dimensions: [(String, String)]) -> String {
        label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
    }

    func setStates(_ values: [(label: String, dimensions: [(String, String)], value: Int)]) {
        let factory = self.factory
        let stale = states.withLock { gauges -> [CoreMetrics.Gauge] in
            var fresh: [String: CoreMetrics.Gauge] = [:]
            for (label, dimensions, value) in values {
                let series = Self.series(label, dimensions)
                let gauge = gauges[series] ?? CoreMetrics.Gauge(label: label, dimensions: dimensions, factory: factory)
                gauge.record(value)
                fresh[series] = gauge
            }
            defer { gauges = fresh }
            return gauges.filter { fresh[$0.key] == nil }.map(\.value)
        }
        for gauge in stale { gauge.destroy() }
    }
}
