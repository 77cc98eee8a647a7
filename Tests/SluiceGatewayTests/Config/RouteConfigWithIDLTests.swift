import SluiceThrift
import Testing
@testable import SluiceGateway

/// Route files against real `.thrift` files, through ``SchemaLoader/thriftIDL``.
@Suite("Route files with the Thrift IDL parser")
struct RouteConfigWithIDLTests {
    static let idl = """
    namespace go echo

    struct EchoRequest {
      1: string name (api.path = "name")
      2: optional bool verbose (api.query = "verbose")
      3: string user (api.header = "X-User")
    }
    struct EchoResponse { 1: string text }
    exception NotFound { 1: string message }

    service EchoService {
      EchoResponse Say(1: EchoRequest req) throws (1: NotFound notFound) (api.post = "/v1/say/:name")
    }
    """

    @Test("a routes directory naming a real IDL loads, with generated and hand-written routes")
    func loads() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("idl/echo.thrift", Self.idl)
        try directory.write("routes/echo.yaml", """
        services:
          - name: echo
            idl: ../idl/echo.thrift
            endpoints: ["127.0.0.1:9090"]
            routes_from_idl: true
        routes:
          - method: POST
            path: /v1/echo/{req.name}
            service: echo
            call: EchoService.Say
            body: req
            exceptions: {NotFound: 404}
        """)
        let configuration = try RouteConfigLoader.load(directory: directory.path + "/routes")
        #expect(configuration.routes.map { "\($0.method) \($0.template.text)" } == ["POST /v1/echo/{req.name}", "POST /v1/say/:name"])
        #expect(configuration.routes[1].query.map(\.name) == ["verbose"])
        #expect(configuration.routes[1].headers.map(\.name) == ["X-User"])
        #expect(configuration.schemas["echo"]?.services["EchoService"] != nil)
    }

    @Test("IDL errors are reported with the IDL's file:line:col")
    func idlErrors() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let idlPath = try directory.write("broken.thrift", "struct A {\n  1: strng name\n}\n")
        try directory.write("routes/a.yaml", """
        services:
          - {name: a, idl: ../broken.thrift, endpoints: ["127.0.0.1:1"]}
        """)
        let diagnostics = RouteConfigLoader.check(directory: directory.path + "/routes")
        #expect(diagnostics.count >= 1)
        #expect(diagnostics.first?.file == idlPath)
        #expect(diagnostics.first?.line == 2)
        #expect(diagnostics.first?.column == 6)
    }

    @Test("a missing IDL file is reported at the route file's idl: value")
    func missing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("a.yaml", "services:\n  - {name: a, idl: nope.thrift, endpoints: [\"127.0.0.1:1\"]}\n")
        let diagnostics = RouteConfigLoader.check(directory: directory.path)
        #expect(diagnostics.map(\.description) == [
            "\(directory.path)/a.yaml:2:20: cannot load IDL '\(directory.path)/nope.thrift': no such readable file"
        ])
    }
}
