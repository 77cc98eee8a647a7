import SluiceThrift
import Testing
@testable import SluiceGateway

@Suite("Routes from api.* annotations")
struct IDLRouteGenerationTests {
    static let services = """
    services:
      - name: echo
        idl: echo.thrift
        endpoints: ["127.0.0.1:9090"]
        routes_from_idl: true
    """

    func load(_ schema: ThriftSchema, extraRoutes: String = "") throws -> (configuration: GatewayConfiguration?, diagnostics: [String]) {
        var fixture = ConfigFixture(["echo.yaml": Self.services + extraRoutes])
        fixture.idls = ["echo.thrift": schema]
        let result = try fixture.run()
        return (result.configuration, result.diagnostics)
    }

    @Test("api.get/post with :param and {param}; api.path, api.query, api.header, api.cookie; the rest from the body")
    func generates() throws {
        let schema = TestSchemas.echo(
            sayAnnotations: [("api.get", "/v1/echo/:name"), ("api.post", "/v1/echo/{id}/say")],
            pingAnnotations: [("api.delete", "/v1/ping")],
            fieldAnnotations: [
                "page": [("api.path", "id")],
                "verbose": [("api.query", "verbose")],
                "tags": [("api.query", "tag")],
                "user": [("api.header", "X-User")],
                "attrs": [("api.body", "attrs")],
                "inner": [],
            ]
        )
        let (configuration, diagnostics) = try load(schema)
        #expect(diagnostics == [])
        let routes = try #require(configuration?.routes)
        #expect(routes.map { "\($0.method) \($0.template.text) \($0.call)" } == [
            "GET /v1/echo/:name EchoService.Say",
            "POST /v1/echo/{id}/say EchoService.Say",
            "DELETE /v1/ping EchoService.Ping",
        ])
        let get = routes[0]
        #expect(get.template.variables == [PathTemplate.Variable(name: "name", fieldPath: ["req", "name"])])
        // GET ignores the body but always sends the request struct; POST reads it.
        #expect(get.body == .fieldWithoutBody(["req"]))
        #expect(routes[1].body == .field(["req"]))
        #expect(get.httpAnnotations)
        #expect(get.query.map { "\($0.name)=\($0.fieldPath.joined(separator: "."))" } == ["verbose=req.verbose", "tag=req.tags"])
        #expect(get.headers.map { "\($0.name)=\($0.fieldPath.joined(separator: "."))" } == ["X-User=req.user"])
        #expect(get.origin == ConfigOrigin(file: "echo.thrift", line: 30, column: 5))
        let post = routes[1]
        // {id} names api.path="id", which is on field 'page'.
        #expect(post.template.variables == [PathTemplate.Variable(name: "id", fieldPath: ["req", "page"])])
        let ping = routes[2]
        #expect(ping.body == .none)
        #expect(ping.template.variables.isEmpty)
        // Generated routes live beside hand-written ones and run through the same router.
        let router = Router(routes: routes.map { (method: $0.method, template: $0.template) })
        #expect(router.match(method: "POST", path: "/v1/echo/9/say") == .route(1))
    }

    @Test("api.cookie binds a cookie")
    func cookie() throws {
        let schema = TestSchemas.echo(sayAnnotations: [("api.get", "/c")], fieldAnnotations: ["user": [("api.cookie", "sid")]])
        let (configuration, diagnostics) = try load(schema)
        #expect(diagnostics == [])
        #expect(configuration?.routes.first?.cookies.map(\.name) == ["sid"])
    }

    @Test("a path variable with no field is an error at the method's IDL position")
    func unknownVariable() throws {
        let schema = TestSchemas.echo(sayAnnotations: [("api.get", "/v1/:nope")])
        let (_, diagnostics) = try load(schema)
        #expect(diagnostics == [
            #"echo.thrift:30:5: path variable 'nope' of EchoService.Say matches no field of EchoRequest (annotate one with api.path="nope")"#
        ])
    }

    @Test("api.query on a struct field is an error at the field")
    func structQuery() throws {
        let schema = TestSchemas.echo(sayAnnotations: [("api.get", "/v1")], fieldAnnotations: ["inner": [("api.query", "inner")]])
        let (_, diagnostics) = try load(schema)
        #expect(diagnostics == [
            "echo.thrift:15:1: api.query on EchoRequest.inner, which is struct Inner; only scalars and lists of scalars can be bound from text"
        ])
    }

    @Test("routes_from_idl without any annotation is an error; generated routes clash with hand-written ones")
    func noAnnotationsAndClash() throws {
        let (_, none) = try load(TestSchemas.echo())
        #expect(none == ["echo.yaml:2:5: 'echo' sets routes_from_idl, but echo.thrift has no api.get/post/put/delete/patch/options/head/any annotations"])
        let clash = try load(
            TestSchemas.echo(sayAnnotations: [("api.get", "/v1/:name")]),
            extraRoutes: "\nroutes:\n  - {method: GET, path: \"/v1/{req.user}\", service: echo, call: EchoService.Say}\n"
        )
        #expect(clash.diagnostics == ["echo.thrift:30:5: duplicate route GET /v1/:name: already defined at echo.yaml:7:25"])
    }

    @Test("api.any routes every method Sluice serves, as Hertz's Any does; api.options, api.head and api.patch one each")
    func methodsRecognised() throws {
        let schema = TestSchemas.echo(
            sayAnnotations: [("api.any", "/any/:name"), ("api.patch", "/p/:name")],
            pingAnnotations: [("api.options", "/o"), ("api.head", "/h")]
        )
        let (configuration, diagnostics) = try load(schema)
        #expect(diagnostics == [])
        let routes = try #require(configuration?.routes)
        #expect(routes.map { "\($0.method) \($0.template.text)" } == [
            "GET /any/:name", "POST /any/:name", "PUT /any/:name", "DELETE /any/:name", "PATCH /any/:name",
            "HEAD /any/:name", "OPTIONS /any/:name", "PATCH /p/:name", "OPTIONS /o", "HEAD /h",
        ])
        // Each method binds as it would alone: GET and HEAD take unannotated fields from the query and
        // read no body, OPTIONS from the query with a body, POST from the body.
        let any = Dictionary(uniqueKeysWithValues: routes.prefix(7).map { ($0.method, $0) })
        #expect(any["GET"]?.query.map(\.name) == ["verbose", "user", "tags", "page"])
        #expect(any["HEAD"]?.query.map(\.name) == ["verbose", "user", "tags", "page"])
        #expect(any["HEAD"]?.body == .fieldWithoutBody(["req"]))
        #expect(any["OPTIONS"]?.query.map(\.name) == ["verbose", "user", "tags", "page"])
        #expect(any["OPTIONS"]?.body == .field(["req"]))
        #expect(any["POST"]?.query == [])
        #expect(any["POST"]?.body == .field(["req"]))
        // An explicit HEAD route answers HEAD; a path with only GET still answers HEAD through it.
        let router = Router(routes: routes.map { (method: $0.method, template: $0.template) })
        #expect(router.match(method: "HEAD", path: "/any/x") == .route(5))
        #expect(router.match(method: "GET", path: "/h") == .methodNotAllowed(allowed: ["HEAD"]))
    }

    @Test("api.any on a path another route takes for one method is one duplicate-route error at the method")
    func anyClash() throws {
        let schema = TestSchemas.echo(sayAnnotations: [("api.get", "/x")], pingAnnotations: [("api.any", "/x")])
        let (configuration, diagnostics) = try load(schema)
        #expect(diagnostics == [
            "echo.thrift:31:5: duplicate route /x: api.any of EchoService.Ping routes it for GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS, but it is already routed for GET at echo.thrift:30:5"
        ])
        #expect(configuration == nil)
        // api.get and api.head on one path are two routes, as in Hertz: HEAD no longer falls back to GET.
        let both = try load(TestSchemas.echo(sayAnnotations: [("api.get", "/x")], pingAnnotations: [("api.head", "/x")]))
        #expect(both.diagnostics == [])
        #expect(both.configuration?.routes.map(\.call) == ["EchoService.Say", "EchoService.Ping"])
    }
}
