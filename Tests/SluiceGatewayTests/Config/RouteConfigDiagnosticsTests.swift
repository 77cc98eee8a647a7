import Foundation
import SluiceThrift
import Testing
@testable import SluiceGateway

/// Every validation error, with its exact `file:line:col`. Line 9 is the first route line of each fixture
/// (``echoServiceYAML`` takes lines 1-7, `routes:` is line 8).
@Suite("Route file errors")
struct RouteConfigDiagnosticsTests {
    static func route(_ body: String) -> String {
        echoServiceYAML + "routes:\n" + body
    }

    static let cases: [(name: String, yaml: String, expected: [String])] = [
        (
            "unknown route key",
            route("""
              - method: POST
                path: /v1/echo
                service: echo
                call: EchoService.Say
                bdy: req
            """),
            ["echo.yaml:13:5: unknown key 'bdy' in a route (expected one of: name, method, path, service, call, body, query, headers, cookies, strict, options, exceptions, rewrite, max_body, response_body, plugins, timeout, retry, hedge)"]
        ),
        (
            "route names: one per route, non-empty text",
            route("""
              - {name: say, method: POST, path: /v1/a, service: echo, call: EchoService.Say}
              - {name: say, method: POST, path: /v1/b, service: echo, call: EchoService.Say}
              - {name: "", method: POST, path: /v1/c, service: echo, call: EchoService.Say}
              - {name: [x], method: POST, path: /v1/d, service: echo, call: EchoService.Say}
            """),
            [
                "echo.yaml:11:12: 'name' must be non-empty text on one line",
                "echo.yaml:12:12: 'name' must be a string",
                "echo.yaml:10:6: route name 'say' is already used at echo.yaml:9:6",
            ]
        ),
        (
            "missing required route key",
            route("""
              - method: POST
                path: /v1/echo
                call: EchoService.Say
            """),
            ["echo.yaml:9:5: a route needs 'service'"]
        ),
        (
            "unknown service",
            route("""
              - method: POST
                path: /v1/echo
                service: echoo
                call: EchoService.Say
            """),
            ["echo.yaml:11:14: unknown service 'echoo' (services: echo)"]
        ),
        (
            "unknown method of a known IDL service",
            route("""
              - method: POST
                path: /v1/echo
                service: echo
                call: EchoService.Sey
            """),
            ["echo.yaml:12:11: unknown call 'EchoService.Sey': service EchoService has no such method (methods: Say, Ping, Fire)"]
        ),
        (
            "unknown IDL service",
            route("""
              - method: POST
                path: /v1/echo
                service: echo
                call: Echo.Say
            """),
            ["echo.yaml:12:11: unknown call 'Echo.Say': echo.thrift has no service 'Echo' (services: EchoService)"]
        ),
        (
            "call without a dot",
            route("""
              - {method: POST, path: /v1/echo, service: echo, call: Say}
            """),
            ["echo.yaml:9:57: 'call' must be 'Service.Method', not 'Say'"]
        ),
        (
            "path variable naming a missing field",
            route("""
              - method: GET
                path: /v1/echo/{req.nam}
                service: echo
                call: EchoService.Say
            """),
            ["echo.yaml:10:11: path variable 'req.nam' binds 'req.nam', which is not in the arguments of Say: 'req' has no field 'nam' (fields: name, verbose, user, tags, inner, attrs, page)"]
        ),
        (
            "query parameter naming a missing argument",
            route("""
              - method: GET
                path: /v1/echo
                service: echo
                call: EchoService.Say
                query: {verbose: request.verbose}
            """),
            ["echo.yaml:13:22: query parameter 'verbose' binds 'request.verbose', which is not in the arguments of Say: the arguments have no field 'request' (fields: req)"]
        ),
        (
            "two query parameters binding one field",
            route("""
              - method: GET
                path: /v1/echo
                service: echo
                call: EchoService.Say
                query: {verbose: req.verbose, v: req.verbose}
            """),
            ["echo.yaml:13:38: query parameters 'verbose' and 'v' both bind 'req.verbose'; bind a field from one query parameter only"]
        ),
        (
            "header bound to a struct",
            route("""
              - method: GET
                path: /v1/echo
                service: echo
                call: EchoService.Say
                headers:
                  x-inner: req.inner
            """),
            ["echo.yaml:14:16: header 'x-inner' binds 'req.inner', which is struct Inner; only scalars and lists of scalars can be bound from text"]
        ),
        (
            "field path through a scalar",
            route("""
              - method: GET
                path: /v1/echo/{req.name.first}
                service: echo
                call: EchoService.Say
            """),
            ["echo.yaml:10:11: path variable 'req.name.first' binds 'req.name.first', which is not in the arguments of Say: 'req.name' is a string, not a struct"]
        ),
        (
            "body that is not an argument",
            route("""
              - method: POST
                path: /v1/echo
                service: echo
                call: EchoService.Say
                body: request
            """),
            ["echo.yaml:13:11: body 'request' is not an argument of EchoService.Say: the arguments have no field 'request' (fields: req)"]
        ),
        (
            "exception the method does not throw",
            route("""
              - method: POST
                path: /v1/echo
                service: echo
                call: EchoService.Say
                exceptions: {NotFound: 404, Gone: 410}
            """),
            ["echo.yaml:13:33: EchoService.Say does not throw 'Gone' (declared: NotFound, notFound, Invalid, invalid)"]
        ),
        (
            "exception status out of range",
            route("""
              - method: POST
                path: /v1/echo
                service: echo
                call: EchoService.Say
                exceptions: {NotFound: 99}
            """),
            ["echo.yaml:13:28: the status for 'NotFound' must be an integer in 100...599"]
        ),
        (
            "bad method",
            route("""
              - {method: FETCH, path: /v1/echo, service: echo, call: EchoService.Say}
            """),
            ["echo.yaml:9:14: unknown method 'FETCH' (expected one of: GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS, or * on routes to http services)"]
        ),
        (
            "bad path template",
            route("""
              - {method: GET, path: "/v1/{req.name", service: echo, call: EchoService.Say}
            """),
            ["echo.yaml:9:25: bad path template '/v1/{req.name': '{' without '}' (at character 5)"]
        ),
        (
            "rest variable not last",
            route("""
              - {method: GET, path: "/v1/{req.name=**}/x", service: echo, call: EchoService.Say}
            """),
            ["echo.yaml:9:25: bad path template '/v1/{req.name=**}/x': nothing may follow a rest-of-path variable (at character 19)"]
        ),
        (
            "strict that is not a bool",
            route("""
              - {method: GET, path: /v1/echo, service: echo, call: EchoService.Say, strict: yes please}
            """),
            ["echo.yaml:9:81: 'strict' must be true or false"]
        ),
        (
            "unknown option",
            route("""
              - method: GET
                path: /v1/echo
                service: echo
                call: EchoService.Say
                options: {void_as_empty: true}
            """),
            ["echo.yaml:13:15: unknown key 'void_as_empty' in 'options' (expected one of: void_as_empty_object, int64_as_string, enums_as_names, emit_defaults, enums_as_ints, preserve_proto_field_names, strict)"]
        ),
    ]

    @Test("route errors", arguments: cases.indices)
    func routeError(_ index: Int) throws {
        let testCase = Self.cases[index]
        let result = try ConfigFixture(["echo.yaml": testCase.yaml]).run()
        #expect(result.diagnostics == testCase.expected, "\(testCase.name)")
        #expect(result.configuration == nil)
    }

    @Test("service errors: bad duration, bad endpoints, unknown transport and codec, unknown key")
    func serviceErrors() throws {
        let yaml = """
        services:
          - name: echo
            idl: echo.thrift
            transport: http2
            codec: json
            endpoints: ["127.0.0.1", "localhost:0", "host:99999", "[::1]:9090"]
            timeout: 1sec
            connect_timeout: -5ms
            pool: {max_idle: 2, max_totl: 3, idle_timeout: forever}
            routes_from_idl: maybe
            colour: blue
          - idl: echo.thrift
            endpoints: []
        """
        let result = try ConfigFixture(["services.yaml": yaml]).run()
        #expect(result.diagnostics == [
            "services.yaml:11:5: unknown key 'colour' in a service (expected one of: name, idl, protocol, transport, codec, endpoints, timeout, connect_timeout, connections, pool, routes_from_idl, tls, h2c, h2, deadline_header, plugins, import_paths, auto_routes, forward_headers, response_metadata, authority, discovery, balancer, hash_key, slow_start, retry, hedge, outlier, health_check)",
            "services.yaml:4:16: unknown transport 'http2' (expected one of: ttheader, theader, framed, buffered)",
            "services.yaml:5:12: unknown codec 'json' (expected one of: binary, compact)",
            "services.yaml:6:17: bad endpoint '127.0.0.1' (expected host:port with a port in 1...65535)",
            "services.yaml:6:30: bad endpoint 'localhost:0' (expected host:port with a port in 1...65535)",
            "services.yaml:6:45: bad endpoint 'host:99999' (expected host:port with a port in 1...65535)",
            "services.yaml:7:14: bad duration '1sec' for 'timeout' (expected a positive number with a unit: 500ms, 1s, 2m)",
            "services.yaml:8:22: bad duration '-5ms' for 'connect_timeout' (expected a positive number with a unit: 500ms, 1s, 2m)",
            "services.yaml:9:25: unknown key 'max_totl' in 'pool' (expected one of: max_idle, max_total, idle_timeout)",
            "services.yaml:9:52: bad duration 'forever' for 'idle_timeout' (expected a positive number with a unit: 500ms, 1s, 2m)",
            "services.yaml:10:22: 'routes_from_idl' must be true or false",
            "services.yaml:12:5: a service needs 'name'",
            "services.yaml:13:16: 'endpoints' must list at least one host:port",
        ])
    }

    @Test("duplicate routes across files, even with different variable names")
    func duplicateRoutes() throws {
        let result = try ConfigFixture([
            "a.yaml": echoServiceYAML + """
            routes:
              - {method: GET, path: "/v1/echo/{req.name}", service: echo, call: EchoService.Say}
              - {method: POST, path: "/v1/echo/{req.name}", service: echo, call: EchoService.Say}
            """,
            "b.yaml": """
            routes:
              - {method: GET, path: "/v1/echo/{req.user}", service: echo, call: EchoService.Say}
            """,
        ]).run()
        #expect(result.diagnostics == [
            "b.yaml:2:25: duplicate route GET /v1/echo/{req.user}: already defined at a.yaml:9:25"
        ])
    }

    @Test("duplicate services")
    func duplicateServices() throws {
        let result = try ConfigFixture([
            "a.yaml": echoServiceYAML,
            "b.yaml": """
            services:
              - {name: echo, idl: echo.thrift, endpoints: ["127.0.0.1:1"]}
            """,
        ]).run()
        #expect(result.diagnostics == ["b.yaml:2:5: duplicate service 'echo': already defined at a.yaml:2:5"])
    }

    @Test("a missing IDL is reported at the idl: value")
    func missingIDL() throws {
        let result = try ConfigFixture([
            "a.yaml": """
            services:
              - {name: echo, idl: ../idl/missing.thrift, endpoints: ["127.0.0.1:1"]}
            """,
        ]).run()
        let idlPath = (result.directory as NSString).deletingLastPathComponent + "/idl/missing.thrift"
        #expect(result.diagnostics == ["a.yaml:2:23: cannot load IDL '\(idlPath)': no such file"])
    }

    @Test("IDL errors keep the IDL's own file:line:col, and its routes are not checked further")
    func idlError() throws {
        var fixture = ConfigFixture([
            "a.yaml": echoServiceYAML + """
            routes:
              - {method: GET, path: /v1/x, service: echo, call: EchoService.Nope}
            """,
        ])
        fixture.idlErrors["echo.thrift"] = ConfigDiagnostic(file: "idl/echo.thrift", line: 7, column: 12, message: "expected '}'")
        let result = try fixture.run()
        #expect(result.diagnostics == ["idl/echo.thrift:7:12: expected '}'"])
    }

    @Test("YAML syntax errors and duplicate keys carry positions")
    func yamlErrors() throws {
        let syntax = try ConfigFixture(["a.yaml": "services:\n  - name: [echo\n"]).run()
        #expect(syntax.diagnostics.count == 1)
        #expect(syntax.diagnostics.first?.hasPrefix("a.yaml:3:1: YAML syntax error: ") == true)
        let duplicate = try ConfigFixture(["a.yaml": "routes: []\nroutes: []\n"]).run()
        #expect(duplicate.diagnostics == ["a.yaml:1:1: duplicate key 'routes'"])
        let notMapping = try ConfigFixture(["a.yaml": "- 1\n"]).run()
        #expect(notMapping.diagnostics == ["a.yaml:1:1: a route file must be a mapping"])
    }

    @Test("check reports every error of every file at once")
    func everyError() throws {
        let result = try ConfigFixture([
            "a.yaml": echoServiceYAML + """
            routes:
              - {method: GET, path: /a, service: nope, call: EchoService.Say}
              - {method: GET, path: /b, service: echo, call: EchoService.Nope}
            """,
            "b.yaml": "routes:\n  - {method: GET, path: /c, service: echo, call: EchoService.Say, extra: 1}\n",
        ]).run()
        #expect(result.diagnostics.count == 3)
    }
}

@Suite("Route names and flow-control resources")
struct RouteResourceTests {
    @Test("a route's resource is its name, else METHOD and template; the backend method's is service:call")
    func resources() throws {
        let result = try ConfigFixture(["echo.yaml": RouteConfigDiagnosticsTests.route("""
          - {name: say, method: POST, path: "/v1/echo/{req.name}", service: echo, call: EchoService.Say, body: req}
          - {method: GET, path: /v1/ping, service: echo, call: EchoService.Ping}
        """)]).run()
        let configuration = try #require(result.configuration, "\(result.diagnostics)")
        #expect(configuration.routes.map(\.resource) == ["say", "GET /v1/ping"])
        #expect(configuration.routes.map(\.methodResource) == ["echo:EchoService.Say", "echo:EchoService.Ping"])
    }
}
