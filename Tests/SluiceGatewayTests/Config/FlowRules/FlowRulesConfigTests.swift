import SluiceFlow
import Testing
@testable import SluiceGateway

/// Route files' flow-control sections load into ``FlowRulesConfiguration`` as SluiceFlow's rule values.
@Suite("Flow-control rules in route files")
struct FlowRulesConfigTests {
    /// Two named routes to the echo service (lines 8-10); rules follow from line 11.
    static func routes(_ body: String) -> String {
        echoServiceYAML + """
        routes:
          - {name: say, method: POST, path: "/v1/echo/{req.name}", service: echo, call: EchoService.Say, body: req}
          - {name: other, method: GET, path: /v1/other, service: echo, call: EchoService.Ping}

        """ + body
    }

    @Test("the issue's example shape loads into the expected rules")
    func issueExample() throws {
        let yaml = Self.routes("""
        flow:
          - {resource: say, grade: qps, count: 100}
          - {resource: say, grade: qps, count: 50, behavior: warm_up, warm_up_period: 10s, cold_factor: 3}
          - {resource: say, grade: qps, count: 10, behavior: throttle, max_queueing_time: 500ms}
          - {resource: say, grade: qps, count: 10, behavior: warm_up_throttle, warm_up_period: 20s, max_queueing_time: 250ms}
          - {resource: "echo:EchoService.Say", grade: concurrency, count: 20}
          - {resource: say, grade: qps, count: 5, limit_app: partner-a, origin_header: X-App}
          - {resource: say, grade: qps, count: 5, strategy: relate, ref_resource: other}
          - {resource: say, count: 2.5, strategy: chain, ref_resource: other}
        circuit_breakers:
          - {resource: say, strategy: error_ratio, threshold: 0.5, min_requests: 5, stat_interval: 1s, recovery_timeout: 5s, errors: ["exception:NotFound"]}
          - {resource: say, strategy: slow_ratio, max_rt: 200ms, threshold: 0.5, min_requests: 5, stat_interval: 1s, recovery_timeout: 5s}
          - {resource: other, strategy: error_count, threshold: 10, stat_interval: 2s, recovery_timeout: 1m, errors: ["grpc:RESOURCE_EXHAUSTED", "http:429"]}
          - {resource: other, strategy: error_count, threshold: 3, recovery_timeout: 1s, errors: ["grpc:14", "http:429"]}
        param_flow:
          - {resource: say, param: {header: X-User}, count: 5, duration: 1s, burst: 0, exceptions: {vip: 100, 42: 0}}
          - {resource: say, param: {client_ip: true}, count: 50}
          - {resource: say, param: {query: q}, count: 1, grade: concurrency}
          - {resource: say, param: {cookie: c}, count: 3, behavior: throttle, max_queueing_time: 100ms, duration: 2s}
          - {resource: say, param: {path: req.name}, count: 4}
          - {resource: "echo:EchoService.Say", param: {field: req.user}, count: 6}
        system: {qps: 20000, concurrency: 2000, avg_rt: 500ms, cpu_usage: 0.9, load: 4}
        """)
        let result = try ConfigFixture(["echo.yaml": yaml]).run()
        #expect(result.diagnostics == [])
        let rules = try #require(result.configuration).flowRules
        #expect(rules.flow == [
            FlowRule(resource: "say", count: 100),
            FlowRule(resource: "say", count: 50, behavior: .warmUp, warmUpPeriodSec: 10, coldFactor: 3),
            FlowRule(resource: "say", count: 10, behavior: .throttle, maxQueueingTimeMs: 500),
            FlowRule(resource: "say", count: 10, behavior: .warmUpThrottle, warmUpPeriodSec: 20, maxQueueingTimeMs: 250),
            FlowRule(resource: "echo:EchoService.Say", grade: .concurrency, count: 20),
            FlowRule(resource: "say", limitApp: "partner-a", count: 5),
            FlowRule(resource: "say", count: 5, strategy: .relate, refResource: "other"),
            FlowRule(resource: "say", count: 2.5, strategy: .chain, refResource: "other"),
        ])
        #expect(rules.origins == ["say": .header("x-app")])
        #expect(rules.degrade == [
            DegradeRule(resource: "say", grade: .errorRatio, count: 0.5, timeWindowSec: 5, minRequestAmount: 5, statIntervalMs: 1000),
            DegradeRule(
                resource: "say", grade: .slowRequestRatio, count: 200, timeWindowSec: 5, minRequestAmount: 5,
                slowRatioThreshold: 0.5, statIntervalMs: 1000),
            DegradeRule(resource: "other", grade: .errorCount, count: 10, timeWindowSec: 60, statIntervalMs: 2000),
            DegradeRule(resource: "other", grade: .errorCount, count: 3, timeWindowSec: 1),
        ])
        #expect(rules.errorOutcomes == ["say": [.exception("NotFound")], "other": [.grpc(8), .grpc(14), .http(429)]])
        #expect(rules.param == [
            ParamRuleConfiguration(
                rule: ParamFlowRule(
                    resource: "say", paramIdx: 0, count: 5, durationInSec: 1,
                    items: [ParamFlowItem(value: "vip", count: 100), ParamFlowItem(value: "42", count: 0)]),
                source: .header("x-user")),
            ParamRuleConfiguration(rule: ParamFlowRule(resource: "say", paramIdx: 0, count: 50), source: .clientIP),
            ParamRuleConfiguration(rule: ParamFlowRule(resource: "say", paramIdx: 0, grade: .thread, count: 1), source: .query("q")),
            ParamRuleConfiguration(
                rule: ParamFlowRule(resource: "say", paramIdx: 0, count: 3, behavior: .throttle, maxQueueingTimeMs: 100, durationInSec: 2),
                source: .cookie("c")),
            ParamRuleConfiguration(rule: ParamFlowRule(resource: "say", paramIdx: 0, count: 4), source: .pathParam("req.name")),
            ParamRuleConfiguration(
                rule: ParamFlowRule(resource: "echo:EchoService.Say", paramIdx: 0, count: 6), source: .field(["req", "user"])),
        ])
        #expect(rules.system == [SystemRule(highestSystemLoad: 4, highestCpuUsage: 0.9, qps: 20000, avgRt: 500, maxThread: 2000)])
        #expect(rules.gatewayFlow.isEmpty && rules.apiDefinitions.isEmpty)
    }

    @Test("rules from several files are appended in file order; flow_origin sets each file's unnamed origins")
    func severalFiles() throws {
        let first = Self.routes("""
        flow_origin: {header: X-Caller}
        flow:
          - {resource: say, count: 1, limit_app: a}
          - {resource: other, count: 2, origin: client_ip}
        system: {qps: 10}
        """)
        let second = """
        routes:
          - {method: GET, path: /v1/ping, service: echo, call: EchoService.Ping}
        flow_origin: {client_ip: true}
        flow:
          - {resource: "GET /v1/ping", count: 3}
          - {resource: say, count: 4, origin_header: x-caller}
        system: {load: 2.5}
        """
        let result = try ConfigFixture(["a.yaml": first, "b.yaml": second]).run()
        #expect(result.diagnostics == [])
        let rules = try #require(result.configuration).flowRules
        #expect(rules.flow.map(\.count) == [1, 2, 3, 4])
        #expect(rules.origins == ["say": .header("x-caller"), "other": .clientIP, "GET /v1/ping": .clientIP])
        #expect(rules.system == [SystemRule(qps: 10), SystemRule(highestSystemLoad: 2.5)])
    }

    @Test("gRPC methods are resources by their full name, generated routes included, as the runtime spells them")
    func grpcMethodResources() throws {
        let yaml = GRPCServiceConfigTests.serviceYAML + """
        flow:
          - {resource: "orders:shop.v1.OrderService.GetOrder", count: 1}
          - {resource: "GET /v1/orders/{name}", count: 2}
          - {resource: "orders:OrderService.GetOrder", count: 3}
        """
        let result = try ConfigFixture(["shop.proto": GRPCServiceConfigTests.proto, "a.yaml": yaml]).run()
        #expect(result.diagnostics == ["a.yaml:15:16: no route or method is the resource 'orders:OrderService.GetOrder'"])
    }

    @Test("a route file without flow sections has no rules")
    func none() throws {
        let result = try ConfigFixture(["echo.yaml": Self.routes("")]).run()
        #expect(result.diagnostics == [])
        #expect(try #require(result.configuration).flowRules.isEmpty)
    }
}
