import NIOCore
import SluiceThrift
import Testing
@testable import SluiceGateway

@Suite("Request path: edge plugins before binding and the guard")
struct PluginDispatchTests {
    static let routes = """
    routes:
      - method: POST
        path: /v1/echo/{req.name}
        service: echo
        call: EchoService.Say
        body: req
        headers: {x-consumer: req.user}
        exceptions: {NotFound: 404}
        plugins:
          key_auth: {keys: [{key: k-1, consumer: ann}], consumer_header: x-consumer}
          cors: {origins: ["https://a.test"]}
          headers: {response: {set: {cache-control: no-store}}}
          envelope: {errors: {"exception:NotFound": {code: 20001}, unauthorized: {code: 40100}}}
    """

    func harness() throws -> DispatchHarness {
        try DispatchHarness(routes: Self.routes) { call in
            call.method == "Say" ? DispatchHarness.reply("Say", #"{"success":{"text":"hi"}}"#) : DispatchHarness.reply("Ping", "{}")
        }
    }

    @Test("a refused request never reaches the backend; its answer names the plugin, in the route's envelope, with CORS fields")
    func refused() throws {
        let harness = try harness()
        let box = harness.send("POST", "/v1/echo/x", headers: [("origin", "https://a.test")], body: "{}")
        let response = try #require(box.only)
        #expect(response.status == 401)
        #expect(response.blockedBy == "key_auth")
        #expect(box.bodyText == #"{"code":40100,"msg":"no API key in the header 'x-api-key'","data":{"code":"unauthorized","plugin":"key_auth","message":"no API key in the header 'x-api-key'"}}"#)
        let fields = response.headers.map { "\($0.name): \($0.value)" }
        #expect(fields.contains(#"www-authenticate: ApiKey realm="sluice", header="x-api-key""#))
        #expect(fields.contains("access-control-allow-origin: https://a.test") && fields.contains("cache-control: no-store"))
        #expect(harness.callers.allSatisfy { $0.calls.isEmpty })
    }

    @Test("the consumer reaches the call in the header only the gateway sets; the answer is wrapped")
    func passes() throws {
        let harness = try harness()
        let box = harness.send("POST", "/v1/echo/x", headers: [("x-api-key", "k-1"), ("x-consumer", "mallory")], body: #"{"user":"eve"}"#)
        #expect(box.only?.status == 200)
        #expect(box.bodyText == #"{"code":0,"msg":"success","data":{"text":"hi"}}"#)
        let call = try #require(harness.callers.first?.calls.first)
        let arguments = try DispatchHarness.argumentsJSON(call, method: "Say")
        #expect(arguments == #"{"req":{"name":"x","user":"ann"}}"#)
    }

    @Test("a preflight for the route's method is answered at the edge, whatever key_auth would say")
    func preflight() throws {
        let harness = try harness()
        let box = harness.send(
            "OPTIONS", "/v1/echo/x", headers: [("origin", "https://a.test"), ("access-control-request-method", "POST")])
        #expect(box.only?.status == 204)
        #expect(box.only?.headers.contains { $0.name == "access-control-allow-origin" && $0.value == "https://a.test" } == true)
        #expect(harness.callers.allSatisfy { $0.calls.isEmpty })
    }
}
