import NIOCore
import NIOEmbedded
import SluiceClient
import SluiceFlow
import Testing
@testable import SluiceGateway

/// Flow-control rules applied by the dispatcher to real routes, with fake backends and a hand-moved clock.
@Suite("Route guard")
struct RouteGuardDispatchTests {
    static let ping = "GET /v1/ping"
    static let say = "POST /v1/echo/{req.name}"

    private func rules(_ build: (inout FlowRulesConfiguration) -> Void) -> FlowRulesConfiguration {
        var rules = FlowRulesConfiguration()
        build(&rules)
        return rules
    }

    @Test("a QPS limit answers 429 naming the rule and resource, calls no backend, and lets calls through in the next second")
    func qps() throws {
        let clock = ManualFlowClock(1_000_000)
        let harness = try DispatchHarness(flowRules: rules { $0.flow = [FlowRule(resource: Self.ping, count: 1)] }, clock: clock) { _ in
            DispatchHarness.reply("Ping", "{}")
        }
        #expect(harness.send("GET", "/v1/ping").only?.status == 204)
        let blocked = harness.send("GET", "/v1/ping")
        #expect(blocked.only?.status == 429)
        #expect(
            blocked.bodyText
                == #"{"error":{"code":"flow_blocked","rule":"flow","resource":"GET /v1/ping","message":"'GET /v1/ping' is over its flow limit (QPS 1)"}}"#
        )
        #expect(harness.callers.first?.calls.count == 1)
        // Another route is not held back.
        #expect(harness.send("POST", "/v1/echo/x", body: "{}").only?.status != 429)
        clock.advance(1_000)
        #expect(harness.send("GET", "/v1/ping").only?.status == 204)
    }

    @Test("a throttling rule delays the next call by its pacing interval on the event loop")
    func throttle() throws {
        let rule = FlowRule(resource: Self.ping, count: 10, behavior: .throttle, maxQueueingTimeMs: 500)
        let harness = try DispatchHarness(flowRules: rules { $0.flow = [rule] }) { _ in DispatchHarness.reply("Ping", "{}") }
        #expect(harness.send("GET", "/v1/ping").only?.status == 204)
        let paced = harness.send("GET", "/v1/ping")
        #expect(paced.responses.isEmpty)
        harness.loop.advanceTime(by: .milliseconds(99))
        #expect(paced.responses.isEmpty)
        harness.loop.advanceTime(by: .milliseconds(1))
        #expect(paced.only?.status == 204)
    }

    @Test("a breaker on the method opens on failures with 503 and Retry-After, probes after the recovery timeout, and closes")
    func breaker() throws {
        let clock = ManualFlowClock(1_000_000)
        let rule = DegradeRule(resource: "echo:EchoService.Ping", grade: .errorCount, count: 1, timeWindowSec: 5, minRequestAmount: 1)
        var failing = true
        let harness = try DispatchHarness(flowRules: rules { $0.degrade = [rule] }, clock: clock) { _ in
            failing ? DispatchHarness.applicationException(type: 6, message: "boom") : DispatchHarness.reply("Ping", "{}")
        }
        #expect(harness.send("GET", "/v1/ping").only?.status == 502)
        #expect(harness.send("GET", "/v1/ping").only?.status == 502)
        let open = harness.send("GET", "/v1/ping")
        #expect(open.only?.status == 503)
        #expect(open.only?.headers.first { $0.name == "retry-after" }?.value == "5")
        #expect(open.bodyText?.contains(#""code":"circuit_open","rule":"circuit_breaker","resource":"echo:EchoService.Ping""#) == true)
        #expect(harness.callers.first?.calls.count == 2)
        clock.advance(3_000)
        #expect(harness.send("GET", "/v1/ping").only?.headers.first { $0.name == "retry-after" }?.value == "2")
        clock.advance(2_000)
        failing = false
        #expect(harness.send("GET", "/v1/ping").only?.status == 204)  // the probe
        #expect(harness.send("GET", "/v1/ping").only?.status == 204)
    }

    @Test("declared exceptions count as errors only where the rule lists them")
    func declaredExceptions() throws {
        let rule = DegradeRule(resource: Self.say, grade: .errorCount, count: 0, timeWindowSec: 5, minRequestAmount: 1)
        let notFound = { (_: FakeCaller.Call) in DispatchHarness.reply("Say", #"{"notFound": {"message": "no"}}"#) }
        let unlisted = try DispatchHarness(flowRules: rules { $0.degrade = [rule] }, answer: notFound)
        for _ in 0..<3 { #expect(unlisted.send("POST", "/v1/echo/x", body: "{}").only?.status == 404) }
        let listed = try DispatchHarness(
            flowRules: rules {
                $0.degrade = [rule]
                $0.errorOutcomes[Self.say] = [.exception("NotFound")]
            }, answer: notFound)
        #expect(listed.send("POST", "/v1/echo/x", body: "{}").only?.status == 404)
        #expect(listed.send("POST", "/v1/echo/x", body: "{}").only?.status == 503)
    }

    @Test("a hot-parameter rule limits each header value, and each path field value, on its own")
    func parameters() throws {
        let byUser = ParamRuleConfiguration(rule: ParamFlowRule(resource: Self.say, paramIdx: 0, count: 1), source: .header("x-tenant"))
        let byName = ParamRuleConfiguration(rule: ParamFlowRule(resource: Self.say, paramIdx: 0, count: 2), source: .pathParam("req.name"))
        let harness = try DispatchHarness(flowRules: rules { $0.param = [byUser, byName] }) { _ in
            DispatchHarness.reply("Say", #"{"success": {"message": "hi"}}"#)
        }
        #expect(harness.send("POST", "/v1/echo/a", headers: [("x-tenant", "t1")], body: "{}").only?.status == 200)
        let blocked = harness.send("POST", "/v1/echo/b", headers: [("x-tenant", "t1")], body: "{}")
        #expect(blocked.only?.status == 429)
        #expect(blocked.bodyText?.contains(#""rule":"param_flow""#) == true)
        #expect(harness.send("POST", "/v1/echo/a", headers: [("x-tenant", "t2")], body: "{}").only?.status == 200)
        // "a" has had two calls; a third is over its own limit whatever the tenant.
        #expect(harness.send("POST", "/v1/echo/a", headers: [("x-tenant", "t3")], body: "{}").only?.status == 429)
        // No tenant header: that rule does not apply.
        #expect(harness.send("POST", "/v1/echo/c", body: "{}").only?.status == 200)
    }

    @Test("limitApp rules read the origin from the configured header")
    func origins() throws {
        let harness = try DispatchHarness(
            flowRules: rules {
                $0.flow = [FlowRule(resource: Self.ping, limitApp: "partner-a", count: 0)]
                $0.origins[Self.ping] = .header("x-app")
            }
        ) { _ in DispatchHarness.reply("Ping", "{}") }
        #expect(harness.send("GET", "/v1/ping", headers: [("x-app", "partner-a")]).only?.status == 429)
        #expect(harness.send("GET", "/v1/ping", headers: [("x-app", "partner-b")]).only?.status == 204)
        #expect(harness.send("GET", "/v1/ping", headers: [("x-sentinel-origin", "partner-a")]).only?.status == 204)
        #expect(harness.send("GET", "/v1/ping").only?.status == 204)
    }

    @Test("a system rule holds back inbound calls of every route; a route without rules has no guard")
    func system() throws {
        let guarded = try DispatchHarness(flowRules: rules { $0.system = [SystemRule(qps: 1)] }) { _ in DispatchHarness.reply("Ping", "{}") }
        #expect(guarded.send("GET", "/v1/ping").only?.status == 204)
        let blocked = guarded.send("GET", "/v1/ping")
        #expect(blocked.only?.status == 429)
        #expect(blocked.bodyText?.contains(#""rule":"system""#) == true)
        let plain = try DispatchHarness(flowRules: rules { $0.flow = [FlowRule(resource: Self.say, count: 1)] }) { _ in
            DispatchHarness.reply("Ping", "{}")
        }
        #expect(plain.state.current.routes.map { $0.flowGuard != nil } == plain.state.current.routes.map { $0.configuration.resource == Self.say })
    }

    @Test("a block on the method lets go of the route's entry: its concurrency slot is free for the next call")
    func abandonedEntries() throws {
        let clock = ManualFlowClock(1_000_000)
        let harness = try DispatchHarness(
            flowRules: rules {
                $0.flow = [
                    FlowRule(resource: Self.ping, grade: .concurrency, count: 1),
                    FlowRule(resource: "echo:EchoService.Ping", count: 1),
                ]
            }, clock: clock
        ) { _ in DispatchHarness.reply("Ping", "{}") }
        #expect(harness.send("GET", "/v1/ping").only?.status == 204)
        // Blocked by the method's QPS rule after the route's concurrency rule let it in.
        #expect(harness.send("GET", "/v1/ping").bodyText?.contains(#""resource":"echo:EchoService.Ping""#) == true)
        clock.advance(1_000)
        #expect(harness.send("GET", "/v1/ping").only?.status == 204)
    }

    @Test("gateway rules hold back a route per header value, and an API group's requests together")
    func gatewayRules() throws {
        let byUser = GatewayFlowRule(
            resource: Self.say, count: 1, paramItem: GatewayParamFlowItem(parseStrategy: .header, fieldName: "x-tenant"))
        let group = ApiDefinition(apiName: "echo-api", predicateItems: [.path(pattern: "/v1/echo/**", matchStrategy: .prefix)])
        let harness = try DispatchHarness(
            flowRules: rules {
                $0.gatewayFlow = [byUser, GatewayFlowRule(resource: "echo-api", resourceMode: .customAPIName, count: 3)]
                $0.apiDefinitions = [group]
            }
        ) { _ in DispatchHarness.reply("Say", #"{"success": {"message": "hi"}}"#) }
        #expect(harness.send("POST", "/v1/echo/a", headers: [("x-tenant", "t1")], body: "{}").only?.status == 200)
        let perValue = harness.send("POST", "/v1/echo/a", headers: [("x-tenant", "t1")], body: "{}")
        #expect(perValue.only?.status == 429)
        #expect(perValue.bodyText?.contains(#""rule":"gateway","resource":"POST /v1/echo/{req.name}""#) == true)
        #expect(harness.send("POST", "/v1/echo/a", headers: [("x-tenant", "t2")], body: "{}").only?.status == 200)
        // The API group's bucket of 3 had two calls; the third passes, the fourth is held back, whatever the tenant.
        #expect(harness.send("POST", "/v1/echo/b", headers: [("x-tenant", "t3")], body: "{}").only?.status == 200)
        let grouped = harness.send("POST", "/v1/echo/c", headers: [("x-tenant", "t4")], body: "{}")
        #expect(grouped.bodyText?.contains(#""rule":"gateway","resource":"echo-api""#) == true)
        // Paths outside the group are not held back by it.
        #expect(harness.send("GET", "/v1/ping").only?.status == 204)
    }
}

/// The same guard in front of a gRPC backend: flow rules from the route file, gRPC statuses as outcomes.
@Suite("Route guard, gRPC")
struct RouteGuardGRPCTests {
    static let route = """
    routes:
      - {name: list, method: GET, path: "/v1/shelves/{shelf}/orders", service: orders, call: OrderService.List}

    """

    @Test("a gRPC status counts as an error only where the breaker lists it, and then opens it")
    func statuses() throws {
        let listed = try GRPCDispatchHarness(routes: Self.route + """
        circuit_breakers:
          - {resource: list, strategy: error_count, threshold: 0, min_requests: 1, recovery_timeout: 5s, errors: ["grpc:RESOURCE_EXHAUSTED"]}
        """) { _ in .success(GRPCReply(statusCode: 8, message: nil, headers: [], trailers: [("grpc-status", "8")])) }
        #expect(listed.send("GET", "/v1/shelves/a/orders").only?.status == 429)
        let open = listed.send("GET", "/v1/shelves/a/orders")
        #expect(open.only?.status == 503)
        #expect(open.bodyText?.contains(#""code":"circuit_open""#) == true)
        #expect(listed.caller.calls.count == 1)

        let unlisted = try GRPCDispatchHarness(routes: Self.route + """
        circuit_breakers:
          - {resource: list, strategy: error_count, threshold: 0, min_requests: 1, recovery_timeout: 5s}
        """) { _ in .success(GRPCReply(statusCode: 8, message: nil, headers: [], trailers: [("grpc-status", "8")])) }
        for _ in 0..<3 { #expect(unlisted.send("GET", "/v1/shelves/a/orders").only?.status == 429) }
        #expect(unlisted.caller.calls.count == 3)
    }

    @Test("a hot-parameter rule on a path variable holds back each shelf on its own")
    func pathParameter() throws {
        let harness = try GRPCDispatchHarness(routes: Self.route + """
        param_flow:
          - {resource: list, param: {path: shelf}, count: 1, duration: 10s}
        """) { _ in .success(GRPCReply(statusCode: 0, message: ByteBuffer(), headers: [], trailers: [("grpc-status", "0")])) }
        #expect(harness.send("GET", "/v1/shelves/a/orders").only?.status == 200)
        let blocked = harness.send("GET", "/v1/shelves/a/orders")
        #expect(blocked.only?.status == 429)
        #expect(blocked.bodyText?.contains(#""rule":"param_flow","resource":"list""#) == true)
        #expect(harness.send("GET", "/v1/shelves/b/orders").only?.status == 200)
    }
}
