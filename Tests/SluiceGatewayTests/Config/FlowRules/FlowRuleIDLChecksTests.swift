import SluiceFlow
import Testing
@testable import SluiceGateway

/// A circuit breaker's `exception:<name>` and a hot-parameter rule's `param: {field: a.b}` are checked against
/// the IDL of the method the rule's resource calls, each at its `file:line:col`. Rules start on line 12
/// (``FlowRulesConfigTests/routes(_:)``: `say` calls EchoService.Say, which throws NotFound notFound and
/// Invalid invalid; `other` calls EchoService.Ping, which throws nothing).
@Suite("Flow-rule names checked against the IDL")
struct FlowRuleIDLChecksTests {
    @Test("an exception no method of the resource declares, with the declared ones and a near miss")
    func undeclaredExceptions() throws {
        let yaml = FlowRulesConfigTests.routes("""
        circuit_breakers:
          - {resource: say, strategy: error_count, threshold: 1, recovery_timeout: 1s, errors: ["exception:NotFund", "exception:Busy", "http:503"]}
          - {resource: other, strategy: error_count, threshold: 1, recovery_timeout: 1s, errors: ["exception:NotFound"]}
          - {resource: "echo:EchoService.Say", strategy: error_count, threshold: 1, recovery_timeout: 1s, errors: ["exception:EchoRequest"]}
        """)
        let result = try ConfigFixture(["echo.yaml": yaml]).run()
        #expect(result.diagnostics == [
            "echo.yaml:12:89: resource 'say' calls EchoService.Say, which does not declare the exception 'NotFund' (declared: NotFound, Invalid; did you mean 'NotFound'?)",
            "echo.yaml:12:110: resource 'say' calls EchoService.Say, which does not declare the exception 'Busy' (declared: NotFound, Invalid)",
            "echo.yaml:13:91: resource 'other' calls EchoService.Ping, which does not declare the exception 'NotFound' (declared: none)",
            "echo.yaml:14:108: resource 'echo:EchoService.Say' calls EchoService.Say, which does not declare the exception 'EchoRequest' (declared: NotFound, Invalid)",
        ])
        #expect(result.configuration == nil)
    }

    @Test("an argument field the method does not have, with a near miss")
    func unknownArgumentFields() throws {
        let yaml = FlowRulesConfigTests.routes("""
        param_flow:
          - {resource: say, param: {field: req.nme}, count: 1}
          - {resource: say, param: {field: rq.name}, count: 1}
          - {resource: other, param: {field: req.name}, count: 1}
          - {resource: "echo:EchoService.Say", param: {field: req.name.first}, count: 1}
          - {resource: say, param: {field: req.inner.id}, count: 1}
        """)
        let result = try ConfigFixture(["echo.yaml": yaml]).run()
        #expect(result.diagnostics == [
            "echo.yaml:12:28: 'field' req.nme is not in the arguments of EchoService.Say: 'req' has no field 'nme' (fields: name, verbose, user, tags, inner, attrs, page) (did you mean 'req.name'?)",
            "echo.yaml:13:28: 'field' rq.name is not in the arguments of EchoService.Say: the arguments have no field 'rq' (fields: req) (did you mean 'req.name'?)",
            "echo.yaml:14:30: 'field' req.name is not in the arguments of EchoService.Ping: the arguments have no field 'req' (fields: none)",
            "echo.yaml:15:47: 'field' req.name.first is not in the arguments of EchoService.Say: 'req.name' is a string, not a struct",
        ])
    }

    @Test("names the IDL declares load: an exception by its type name or field name, a nested argument field")
    func declaredNamesLoad() throws {
        let yaml = FlowRulesConfigTests.routes("""
        circuit_breakers:
          - {resource: say, strategy: error_count, threshold: 1, recovery_timeout: 1s, errors: ["exception:NotFound", "exception:invalid"]}
        param_flow:
          - {resource: say, param: {field: req.inner.id}, count: 1}
          - {resource: "echo:EchoService.Say", param: {field: req.user}, count: 1}
        """)
        let result = try ConfigFixture(["echo.yaml": yaml]).run()
        #expect(result.diagnostics == [])
        let rules = try #require(result.configuration).flowRules
        #expect(rules.errorOutcomes == ["say": [.exception("NotFound"), .exception("invalid")]])
        #expect(rules.param.map(\.source) == [.field(["req", "inner", "id"]), .field(["req", "user"])])
    }

    @Test("gRPC and HTTP resources: exceptions are Thrift's, fields are a gRPC request's (by .proto or JSON name)")
    func otherProtocols() throws {
        let yaml = GRPCServiceConfigTests.serviceYAML + """
        circuit_breakers:
          - {resource: "orders:shop.v1.OrderService.GetOrder", strategy: error_count, threshold: 1, recovery_timeout: 1s, errors: ["exception:NotFound"]}
          - {resource: chat, strategy: error_count, threshold: 1, recovery_timeout: 1s, errors: ["exception:Busy"]}
        param_flow:
          - {resource: "orders:shop.v1.OrderService.GetOrder", param: {field: nme}, count: 1}
          - {resource: "GET /v1/orders/{name}", param: {field: full}, count: 1}
          - {resource: "orders:shop.v1.OrderService.CreateOrder", param: {field: order.customerId}, count: 1}
          - {resource: chat, param: {field: user}, count: 1}
        """
        let web = """
        services:
          - {name: web, protocol: http, endpoints: ["http://127.0.0.1:9000"]}
        routes:
          - {name: chat, method: GET, path: /chat, service: web}
        """
        let result = try ConfigFixture(["shop.proto": GRPCServiceConfigTests.proto, "a.yaml": yaml, "web.yaml": web]).run()
        #expect(result.diagnostics == [
            "a.yaml:13:124: exceptions apply only to Thrift methods; resource 'orders:shop.v1.OrderService.GetOrder' calls none (count its failures with grpc:<code> or http:<status>)",
            "a.yaml:14:90: exceptions apply only to Thrift methods; resource 'chat' calls none (count its failures with grpc:<code> or http:<status>)",
            "a.yaml:16:63: 'field' nme is not in the arguments of shop.v1.OrderService.GetOrder: shop.v1.GetOrderRequest has no field 'nme' (fields: name, full) (did you mean 'name'?)",
            "a.yaml:19:29: 'field' reads a method's arguments, and resource 'chat' calls no Thrift or gRPC method",
        ])
    }
}
