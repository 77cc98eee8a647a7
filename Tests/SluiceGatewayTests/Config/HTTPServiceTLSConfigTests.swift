import Foundation
import SluiceClient
import Testing
@testable import SluiceGateway

/// `https://` endpoints and `tls:` on `protocol: http` services: the Thrift services' `tls:` keys and checks,
/// plus the rules that tie the block to the endpoints' scheme, every error at its `file:line:col`.
@Suite("HTTP service TLS")
struct HTTPServiceTLSConfigTests {
    /// A web service with `endpoints` on line 4 (the list at column 16) and, when given, `tls:` on line 5
    /// (its key at column 5, its value at column 10); the dev certificates under `certs/` beside it.
    static func run(endpoints: String, tls: String? = nil) throws -> (configuration: GatewayConfiguration?, diagnostics: [String]) {
        var files = try DevCertificates.fixtureFiles(["ca.crt", "client.crt", "client.key"], under: "certs")
        files["web.yaml"] = """
            services:
              - name: web
                protocol: http
                endpoints: \(endpoints)
            \(tls.map { "    tls: \($0)" } ?? "")
            routes: [{method: GET, path: /web, service: web}]

            """
        let result = try ConfigFixture(files).run()
        return (result.configuration, result.diagnostics)
    }

    @Test("https:// defaults to port 443 and, without tls:, is TLS verified against the system's roots")
    func httpsWithoutBlock() throws {
        let result = try Self.run(endpoints: #"["https://api.example.test", "https://127.0.0.1:8443/", "https://[::1]"]"#)
        #expect(result.diagnostics == [])
        let service = try #require(result.configuration?.services.first)
        #expect(service.endpoints == [
            Endpoint(host: "api.example.test", port: 443), Endpoint(host: "127.0.0.1", port: 8443), Endpoint(host: "::1", port: 443),
        ])
        #expect(service.tls == ThriftClientTLS())
    }

    @Test("http:// endpoints are plain TCP")
    func plain() throws {
        let result = try Self.run(endpoints: #"["http://127.0.0.1:9000"]"#)
        #expect(result.diagnostics == [])
        #expect(try #require(result.configuration?.services.first).tls == nil)
    }

    @Test("tls: with https:// endpoints loads every key, paths relative to the route file")
    func fullBlock() throws {
        let result = try Self.run(
            endpoints: #"["https://127.0.0.1:8443"]"#,
            tls: "{ca: certs/ca.crt, server_name: api.example.test, cert: certs/client.crt, key: certs/client.key}")
        #expect(result.diagnostics == [])
        let tls = try #require(result.configuration?.services.first?.tls)
        #expect(tls.trustRoots?.count == 1)
        #expect(tls.serverName == "api.example.test")
        #expect(tls.certificateChain.count == 1)
        #expect(tls.privateKey != nil)
        #expect(tls.verifiesCertificates)
    }

    @Test("insecure_skip_verify: true loads with a warning naming the service")
    func insecure() throws {
        let result = try Self.run(endpoints: #"["https://127.0.0.1:8443"]"#, tls: "{insecure_skip_verify: true}")
        let configuration = try #require(result.configuration)
        #expect(configuration.services.first?.tls?.verifiesCertificates == false)
        #expect(configuration.notes.count == 1)
        #expect(configuration.notes.first?.message.hasPrefix("warning: service 'web' does not verify") == true)
    }

    static let errors: [(name: String, endpoints: String, tls: String?, expected: [String])] = [
        (
            "tls: with only http:// endpoints", #"["http://127.0.0.1:9000"]"#, "{ca: certs/ca.crt}",
            ["web.yaml:5:5: 'tls' applies to https:// endpoints; this service's endpoints are http://"]
        ),
        (
            "http:// and https:// in one service", #"["https://127.0.0.1:1", "http://127.0.0.1:2", "https://127.0.0.1:3"]"#, nil,
            ["web.yaml:4:40: endpoint 'http://127.0.0.1:2': a service's endpoints are all http:// or all https:// (the first is https://)"]
        ),
        (
            "the Thrift services' tls checks", #"["https://127.0.0.1:1"]"#, "{ca: certs/missing.crt, server_name: 127.0.0.1, cert: certs/client.crt}",
            [
                "web.yaml:5:15: 'ca': cannot read 'certs/missing.crt'",
                "web.yaml:5:47: 'server_name' must be a DNS name, not an IP address (an IP endpoint is verified against the certificate's IP addresses without it)",
                "web.yaml:5:58: 'cert' needs 'key' (the client certificate's private key)",
            ]
        ),
        (
            "a bad https endpoint", #"["https://127.0.0.1:0", "https://h/x"]"#, nil,
            [
                "web.yaml:4:17: bad endpoint 'https://127.0.0.1:0' (expected scheme://host:port with a port in 1...65535)",
                "web.yaml:4:40: bad endpoint 'https://h/x': an http endpoint is scheme://host:port, without a path, query or user (use a route's 'rewrite' for paths)",
            ]
        ),
    ]

    @Test("errors", arguments: errors.indices)
    func error(_ index: Int) throws {
        let testCase = Self.errors[index]
        let result = try Self.run(endpoints: testCase.endpoints, tls: testCase.tls)
        #expect(result.configuration == nil, "\(testCase.name)")
        // A refused service's route adds an "unknown service" error: only the service's own are compared.
        #expect(result.diagnostics.filter { !$0.contains("unknown service") } == testCase.expected, "\(testCase.name)")
    }
}
