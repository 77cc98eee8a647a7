import NIOCore
import SluiceClient
import Testing
@testable import SluiceGateway

/// `protocol: http` services and the routes to them, with every error at its `file:line:col`.
@Suite("HTTP services in route files")
struct HTTPServiceConfigTests {
    /// Lines 1-6; `routes:` is line 7.
    static let webServiceYAML = """
    services:
      - name: web
        protocol: http
        endpoints: ["http://127.0.0.1:9000", "http://localhost/"]
        timeout: 30s
        pool: {max_idle: 64, max_total: 1024, idle_timeout: 60s}

    """

    @Test("the issue's example loads: endpoints as URLs, '*' routes, rewrite and max_body")
    func example() throws {
        let result = try ConfigFixture(["web.yaml": Self.webServiceYAML + """
        routes:
          - {method: "*", path: "/static/{rest=**}", service: web, rewrite: "/assets/{rest}", max_body: 1MiB}
          - {method: GET, path: "/chat", service: web}
        """]).run()
        #expect(result.diagnostics == [])
        let configuration = try #require(result.configuration)
        let service = try #require(configuration.services.first)
        #expect(service.kind == .http)
        #expect(service.endpoints == [Endpoint(host: "127.0.0.1", port: 9000), Endpoint(host: "localhost", port: 80)])
        #expect(service.requestTimeout == .seconds(30))
        #expect(service.pool == ServiceConfiguration.Pool(maxIdle: 64, maxTotal: 1024, idleTimeout: .seconds(60)))
        #expect(configuration.schemas["web"] == nil)
        #expect(configuration.routes.map(\.method) == ["*", "GET"])
        #expect(configuration.routes[0].rewrite?.text == "/assets/{rest}")
        #expect(configuration.routes[0].maxBody == 1 << 20)
        #expect(configuration.routes[1].rewrite == nil)
        #expect(configuration.routes[1].maxBody == nil)
    }

    static let cases: [(name: String, yaml: String, expected: [String])] = [
        (
            "Thrift keys on an http service",
            """
            services:
              - name: web
                protocol: http
                idl: web.thrift
                transport: framed
                codec: binary
                endpoints: ["http://127.0.0.1:9000"]
            """,
            [
                "a.yaml:4:5: 'idl' is for Thrift services; a 'protocol: http' service is proxied as it is",
                "a.yaml:5:5: 'transport' is for Thrift services; a 'protocol: http' service is proxied as it is",
                "a.yaml:6:5: 'codec' is for Thrift services; a 'protocol: http' service is proxied as it is",
            ]
        ),
        (
            "h2c:// and h2:// are not endpoint schemes",
            """
            services:
              - name: web
                protocol: http
                endpoints: ["h2c://127.0.0.1:9000", "h2://127.0.0.1:9443"]
            """,
            [
                "a.yaml:4:17: endpoint 'h2c://127.0.0.1:9000': write http://host:port and 'h2c: true' for HTTP/2 upstreams",
                "a.yaml:4:41: endpoint 'h2://127.0.0.1:9443': write https://host:port and 'h2: true' for HTTP/2 upstreams",
            ]
        ),
        (
            "h2c with https:// endpoints",
            """
            services:
              - {name: web, protocol: http, endpoints: ["https://127.0.0.1:9443"], h2c: true}
            """,
            ["a.yaml:2:72: 'h2c' is HTTP/2 over cleartext and needs http:// endpoints (use 'h2' for https:// ones)"]
        ),
        (
            "h2 with http:// endpoints",
            """
            services:
              - {name: web, protocol: http, endpoints: ["http://127.0.0.1:9000"], h2: true}
            """,
            ["a.yaml:2:71: 'h2' is HTTP/2 over TLS and needs https:// endpoints (use 'h2c' for http:// ones)"]
        ),
        (
            "h2c and h2 together, and a value that is not a boolean",
            """
            services:
              - {name: web, protocol: http, endpoints: ["http://127.0.0.1:9000"], h2c: true, h2: true}
              - {name: api, protocol: http, endpoints: ["http://127.0.0.1:9000"], h2c: yes please}
            """,
            [
                "a.yaml:2:82: 'h2' and 'h2c' exclude each other: h2c is HTTP/2 over cleartext, h2 over TLS",
                "a.yaml:3:76: 'h2c' must be true or false",
            ]
        ),
        (
            "h2c on a Thrift service",
            """
            services:
              - {name: echo, idl: echo.thrift, endpoints: ["127.0.0.1:9000"], h2c: true}
            """,
            ["a.yaml:2:67: 'h2c' is for 'protocol: http' services (HTTP/2 to the upstream); a Thrift service uses 'transport'"]
        ),
        (
            "bad endpoints",
            """
            services:
              - name: web
                protocol: http
                endpoints: ["127.0.0.1:9000", "http://127.0.0.1:9000/base", "http://127.0.0.1:99999"]
            """,
            [
                "a.yaml:4:17: bad endpoint '127.0.0.1:9000' for an http service (expected http://host:port or https://host:port)",
                "a.yaml:4:35: bad endpoint 'http://127.0.0.1:9000/base': an http endpoint is scheme://host:port, without a path, query or user (use a route's 'rewrite' for paths)",
                "a.yaml:4:65: bad endpoint 'http://127.0.0.1:99999' (expected scheme://host:port with a port in 1...65535)",
            ]
        ),
        (
            "deadline_header: not a field name, a field the gateway sets, and on a Thrift service",
            """
            services:
              - {name: web, protocol: http, endpoints: ["http://127.0.0.1:9000"], deadline_header: "x bad"}
              - {name: api, protocol: http, endpoints: ["http://127.0.0.1:9000"], deadline_header: Content-Length}
              - {name: echo, idl: echo.thrift, endpoints: ["127.0.0.1:9000"], deadline_header: x-timeout}
            """,
            [
                "a.yaml:2:88: 'deadline_header': 'x bad' is not a header field name (letters, digits and !#$%&'*+-.^_`|~)",
                "a.yaml:3:88: 'deadline_header': 'Content-Length' is a field the gateway or the request's framing sets; choose another name, such as x-request-timeout-ms",
                "a.yaml:4:67: 'deadline_header' is for 'protocol: http' services; a Thrift service's calls carry TTHeader's RPC-timeout key",
            ]
        ),
        (
            "an unknown protocol",
            """
            services:
              - {name: web, protocol: gopher, idl: echo.thrift, endpoints: ["127.0.0.1:1"]}
            """,
            ["a.yaml:2:27: unsupported protocol 'gopher' (expected: thrift, grpc, http)"]
        ),
        (
            "a rewrite naming a variable the path does not have",
            webServiceYAML + """
            routes:
              - {method: GET, path: "/static/{rest=**}", service: web, rewrite: "/assets/{file}"}
            """,
            ["a.yaml:8:69: bad rewrite '/assets/{file}': unknown variable '{file}' (the route's path has rest) (at character 9)"]
        ),
        (
            "RPC keys on a proxy route",
            webServiceYAML + """
            routes:
              - method: POST
                path: /upload
                service: web
                call: Web.Upload
                body: "*"
            """,
            [
                "a.yaml:11:5: 'call' does not apply to a route to http service 'web': its requests are proxied as they are",
                "a.yaml:12:5: 'body' does not apply to a route to http service 'web': its requests are proxied as they are",
            ]
        ),
        (
            "proxy keys, '*' and no call on a Thrift route",
            echoServiceYAML + """
            routes:
              - {method: "*", path: /v1/echo, service: echo, rewrite: /x, max_body: 1KiB}
            """,
            [
                "echo.yaml:9:5: a route needs 'call'",
                "echo.yaml:9:6: method '*' is only for routes to http services; 'echo' is a Thrift service",
                "echo.yaml:9:50: 'rewrite' is only for routes to http services; 'echo' is a Thrift service",
                "echo.yaml:9:63: 'max_body' is only for routes to http services; 'echo' is a Thrift service",
            ]
        ),
    ]

    @Test("h2c: true on http:// and h2: true on https:// choose HTTP/2 upstream; false or absent is HTTP/1.1")
    func upstreamHTTPVersion() throws {
        let result = try ConfigFixture(["web.yaml": """
        services:
          - {name: clear, protocol: http, endpoints: ["http://127.0.0.1:9000"], h2c: true}
          - {name: secure, protocol: http, endpoints: ["https://127.0.0.1:9443"], h2: true, h2c: false}
          - {name: plain, protocol: http, endpoints: ["http://127.0.0.1:9000"], h2c: false}
        """]).run()
        #expect(result.diagnostics == [])
        let services = try #require(result.configuration?.services)
        #expect(services.map(\.upstreamHTTP) == [.h2c, .h2, .http1])
    }

    @Test("deadline_header names the field, lowercased; absent sends none")
    func deadlineHeader() throws {
        let result = try ConfigFixture(["web.yaml": """
        services:
          - {name: told, protocol: http, endpoints: ["http://127.0.0.1:9000"], deadline_header: X-Request-Timeout-Ms}
          - {name: plain, protocol: http, endpoints: ["http://127.0.0.1:9000"]}
        """]).run()
        #expect(result.diagnostics == [])
        let services = try #require(result.configuration?.services)
        #expect(services.map(\.deadlineHeader) == ["x-request-timeout-ms", nil])
    }

    @Test("errors", arguments: cases.indices)
    func errors(_ index: Int) throws {
        let (_, yaml, expected) = Self.cases[index]
        let name = yaml.hasPrefix(echoServiceYAML) ? "echo.yaml" : "a.yaml"
        let result = try ConfigFixture([name: yaml]).run()
        #expect(result.diagnostics == expected)
    }
}
