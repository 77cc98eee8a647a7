import NIOCore
import Testing
@testable import SluiceGateway

@Suite("Gateway metrics")
struct GatewayMetricsTests {
    func lines(_ metrics: GatewayMetrics) -> [String] {
        metrics.recorded.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
    }

    @Test("answers count by route, status and protocol; a route's metrics are one object across reloads")
    func answers() {
        let metrics = GatewayMetrics(version: "1.2.3")
        let say = metrics.route("say")
        #expect(metrics.route("say") === say)
        let started = NIODeadline.now().uptimeNanoseconds
        for _ in 0..<3 { say.answered(status: 200, ingress: .http1, started: started) }
        say.answered(status: 200, ingress: .http2, started: started)
        say.answered(status: 429, ingress: .websocket, started: started)
        say.blocked(code: "flow_blocked", rule: "flow")
        say.passed()
        say.passed()
        metrics.reloaded(succeeded: true)
        metrics.reloaded(succeeded: false)
        metrics.reloaded(succeeded: false)
        let text = lines(metrics)
        #expect(text.contains(#"sluice_requests_total{route="say",status="200",protocol="http1"} 3"#))
        #expect(text.contains(#"sluice_requests_total{route="say",status="200",protocol="h2"} 1"#))
        #expect(text.contains(#"sluice_requests_total{route="say",status="429",protocol="websocket"} 1"#))
        #expect(text.contains(#"sluice_flow_blocked_total{route="say",code="flow_blocked",rule="flow"} 1"#))
        #expect(text.contains(#"sluice_flow_passed_total{route="say"} 2"#))
        #expect(text.contains(#"sluice_request_duration_seconds_count{route="say"} 5"#))
        #expect(text.contains(#"sluice_request_duration_seconds_bucket{route="say",le="+Inf"} 5"#))
        #expect(text.contains(#"sluice_config_reloads_total{result="success"} 1"#))
        #expect(text.contains(#"sluice_config_reloads_total{result="failure"} 2"#))
        #expect(text.contains(#"sluice_build_info{version="1.2.3"} 1.0"#))
    }

    @Test("two gateways in one process keep their counts apart")
    func separate() {
        let a = GatewayMetrics(version: "x")
        let b = GatewayMetrics(version: "x")
        a.route("r").answered(status: 200, ingress: .http1, started: NIODeadline.now().uptimeNanoseconds)
        #expect(lines(a).contains(#"sluice_requests_total{route="r",status="200",protocol="http1"} 1"#))
        #expect(!lines(b).contains { $0.hasPrefix("sluice_requests_total") })
    }

    @Test("a state no longer reported (a removed endpoint) leaves the exposition")
    func staleStates() {
        let metrics = GatewayMetrics(version: "x")
        metrics.setStates([
            ("sluice_upstream_endpoint_usable", [("service", "s"), ("endpoint", "10.0.0.1:1")], 1),
            ("sluice_upstream_endpoint_usable", [("service", "s"), ("endpoint", "10.0.0.2:1")], 0),
        ])
        #expect(lines(metrics).contains(#"sluice_upstream_endpoint_usable{service="s",endpoint="10.0.0.2:1"} 0.0"#))
        metrics.setStates([("sluice_upstream_endpoint_usable", [("service", "s"), ("endpoint", "10.0.0.1:1")], 0)])
        let text = lines(metrics)
        #expect(text.contains(#"sluice_upstream_endpoint_usable{service="s",endpoint="10.0.0.1:1"} 0.0"#))
        #expect(!text.contains { $0.contains("10.0.0.2:1") })
    }

    @Test("totals the clients keep become counters that only grow; a total that fell starts again from it")
    func totals() {
        let metrics = GatewayMetrics(version: "x")
        let series = [("service", "s"), ("endpoint", "10.0.0.1:1")]
        metrics.setTotals([("sluice_upstream_attempts_total", series, 5)])
        metrics.setTotals([("sluice_upstream_attempts_total", series, 8)])
        #expect(lines(metrics).contains(#"sluice_upstream_attempts_total{service="s",endpoint="10.0.0.1:1"} 8"#))
        metrics.setTotals([("sluice_upstream_attempts_total", series, 2)])  // the endpoint left and came back
        #expect(lines(metrics).contains(#"sluice_upstream_attempts_total{service="s",endpoint="10.0.0.1:1"} 10"#))
        metrics.setTotals([])
        #expect(!lines(metrics).contains { $0.hasPrefix("sluice_upstream_attempts_total") })
    }
}
