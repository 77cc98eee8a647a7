import NIOCore
import SluiceClient
import SluiceThrift
import Testing
@testable import SluiceGateway

@Suite("Route files")
struct RouteConfigLoaderTests {
    @Test("the issue's example file loads with every field")
    func fullExample() throws {
        let yaml = echoServiceYAML + """
            connect_timeout: 250ms
            connections: 4
            pool: {max_idle: 2, max_total: 10, idle_timeout: 2m}
        routes:
          - method: post
            path: /v1/echo/{req.name}
            service: echo
            call: EchoService.Say
            body: req
            query: {verbose: req.verbose, tag: req.tags}
            headers: {x-user: req.user}
            cookies: {session: req.inner.id}
            strict: true
            options: {void_as_empty_object: true, int64_as_string: true, enums_as_names: true}
            exceptions: {NotFound: 404, invalid: 400}
          - method: GET
            path: /v1/files/{req.name=**}
            service: echo
            call: EchoService.Say
        """
        let result = try ConfigFixture(["echo.yaml": yaml]).run()
        #expect(result.diagnostics == [])
        let configuration = try #require(result.configuration)
        let service = try #require(configuration.services.first)
        #expect(service.name == "echo")
        #expect(service.idlPath == result.directory + "/echo.thrift")
        #expect(service.transport == .ttheader)
        #expect(service.protocolKind == .binary)
        #expect(service.endpoints == [Endpoint(host: "127.0.0.1", port: 9090)])
        #expect(service.requestTimeout == .seconds(1))
        #expect(service.connectTimeout == .milliseconds(250))
        #expect(service.connectionsPerEndpoint == 4)
        #expect(service.pool == ServiceConfiguration.Pool(maxIdle: 2, maxTotal: 10, idleTimeout: .minutes(2)))
        #expect(configuration.routes.count == 2)
        let route = configuration.routes[0]
        #expect(route.method == "POST")
        #expect(route.template.variables == [PathTemplate.Variable(name: "req.name", fieldPath: ["req", "name"])])
        #expect(route.call == "EchoService.Say")
        #expect(route.body == .field(["req"]))
        #expect(route.query.map(\.name) == ["verbose", "tag"])
        #expect(route.query.map(\.fieldPath) == [["req", "verbose"], ["req", "tags"]])
        #expect(route.headers.map(\.fieldPath) == [["req", "user"]])
        #expect(route.cookies.map(\.fieldPath) == [["req", "inner", "id"]])
        #expect(route.strict)
        #expect(route.options == RouteConfiguration.Options(voidAsEmptyObject: true, int64AsString: true, enumsAsNames: true))
        #expect(route.exceptionStatus == ["NotFound": 404, "invalid": 400])
        #expect(configuration.routes[1].body == .none)
        #expect(configuration.schemas["echo"] != nil)
    }

    @Test("an empty directory and a missing directory are errors")
    func emptyDirectory() throws {
        let result = try ConfigFixture([:]).run()
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.hasSuffix(": no *.yaml route files") == true)
        let missing = RouteConfigLoader.check(
            directory: "/nonexistent/sluice-routes",
            schemaLoader: SchemaLoader { path, _ throws(ConfigErrors) in throw ConfigErrors([]) }
        )
        #expect(missing.map(\.description) == ["/nonexistent/sluice-routes: cannot read the routes directory"])
    }

    @Test("files are read in name order and only *.yaml counts")
    func fileOrder() throws {
        let route = { (path: String) in
            """
            routes:
              - {method: GET, path: \(path), service: echo, call: EchoService.Ping}
            """
        }
        let result = try ConfigFixture([
            "a-services.yaml": echoServiceYAML,
            "c.yaml": route("/c"),
            "b.yaml": route("/b"),
            "d.yml": "not: [valid",
            "notes.txt": "ignored",
        ]).run()
        #expect(result.diagnostics == [])
        #expect(result.configuration?.routes.map(\.template.text) == ["/b", "/c"])
    }
}

@Suite("Route documents from any source")
struct RouteDocumentTests {
    @Test("documents load without a directory; IDL paths resolve against the document's path")
    func documents() throws {
        let loader = SchemaLoader { path, _ throws(ConfigErrors) in
            guard path == "/etc/sluice/idl/echo.thrift" else {
                throw ConfigErrors([ConfigDiagnostic(file: path, line: 0, column: 0, message: "no such file")])
            }
            return TestSchemas.echo()
        }
        let configuration = try RouteConfigLoader.load(
            documents: [
                RouteDocument(path: "/etc/sluice/routes/a.yaml", text: """
                services:
                  - {name: echo, idl: ../idl/echo.thrift, endpoints: ["127.0.0.1:1"]}
                routes:
                  - {method: GET, path: /ping, service: echo, call: EchoService.Ping}
                """)
            ],
            schemaLoader: loader
        )
        #expect(configuration.routes.map(\.template.text) == ["/ping"])
        #expect(throws: ConfigErrors.self) {
            try RouteConfigLoader.load(documents: [RouteDocument(path: "b.yaml", text: "routes: [1]")], schemaLoader: loader)
        }
    }
}
