import Foundation
import SluiceClient
import Testing
@testable import SluiceGateway

/// A service's `tls:` block: its files are read and parsed at load, every problem at its `file:line:col`.
@Suite("Route file TLS")
struct RouteFileTLSTests {
    /// An echo service whose `tls:` is `block` (starting on line 5, its value at column 10). No routes unless
    /// asked: a refused service's routes would add an "unknown service" error each.
    static func service(_ block: String, withRoute: Bool) -> String {
        """
        services:
          - name: echo
            idl: echo.thrift
            endpoints: ["127.0.0.1:9090"]
            tls: \(block)
        \(withRoute ? "routes: [{method: GET, path: /v1/ping, service: echo, call: EchoService.Ping}]" : "")

        """
    }

    /// The route file and the dev certificates under `certs/` beside it.
    static func fixture(_ block: String, withRoute: Bool = false) throws -> ConfigFixture {
        var files = try DevCertificates.fixtureFiles(
            ["ca.crt", "server.crt", "server.key", "client.crt", "client.key"], under: "certs")
        files["echo.yaml"] = service(block, withRoute: withRoute)
        files["certs/junk.pem"] = "not PEM\n"
        return ConfigFixture(files)
    }

    static let cases: [(name: String, block: String, expected: [String])] = [
        ("not a mapping", "true", ["echo.yaml:5:10: 'tls' must be a mapping"]),
        (
            "unknown key", "{ca: certs/ca.crt, verify: false}",
            ["echo.yaml:5:29: unknown key 'verify' in 'tls' (expected one of: ca, server_name, cert, key, insecure_skip_verify)"]
        ),
        ("ca of the wrong type", "{ca: [certs/ca.crt]}", ["echo.yaml:5:15: 'ca' must be a string"]),
        ("insecure_skip_verify of the wrong type", "{insecure_skip_verify: \"no\"}", ["echo.yaml:5:33: 'insecure_skip_verify' must be true or false"]),
        ("unreadable ca", "{ca: certs/missing.crt}", ["echo.yaml:5:15: 'ca': cannot read 'certs/missing.crt'"]),
        ("ca that is not PEM", "{ca: certs/junk.pem}", ["echo.yaml:5:15: 'ca': 'certs/junk.pem' holds no PEM certificate"]),
        ("a key file holding a certificate", "{cert: certs/client.crt, key: certs/client.crt}", [
            "echo.yaml:5:40: 'key': 'certs/client.crt' holds no unencrypted PEM private key"
        ]),
        ("cert without key", "{cert: certs/client.crt}", ["echo.yaml:5:11: 'cert' needs 'key' (the client certificate's private key)"]),
        ("key without cert", "{key: certs/client.key}", ["echo.yaml:5:11: 'key' needs 'cert' (the client certificate it belongs to)"]),
        ("server_name an IP address", "{server_name: 127.0.0.1}", [
            "echo.yaml:5:24: 'server_name' must be a DNS name, not an IP address (an IP endpoint is verified against the certificate's IP addresses without it)"
        ]),
        ("server_name not a name", "{server_name: \"a b\"}", ["echo.yaml:5:24: bad 'server_name' 'a b' (expected a DNS name such as backend.example.com)"]),
        ("every problem at once", "{ca: certs/junk.pem, server_name: \"\", cert: certs/missing.crt}", [
            "echo.yaml:5:15: 'ca': 'certs/junk.pem' holds no PEM certificate",
            "echo.yaml:5:44: bad 'server_name' '' (expected a DNS name such as backend.example.com)",
            "echo.yaml:5:54: 'cert': cannot read 'certs/missing.crt'",
            "echo.yaml:5:48: 'cert' needs 'key' (the client certificate's private key)",
        ]),
    ]

    @Test("bad tls blocks", arguments: cases.indices)
    func badBlock(_ index: Int) throws {
        let testCase = Self.cases[index]
        let result = try Self.fixture(testCase.block).run()
        #expect(result.diagnostics == testCase.expected, "\(testCase.name)")
        #expect(result.configuration == nil)
    }

    @Test("a key that does not belong to the certificate fails at the key")
    func mismatchedKey() throws {
        let result = try Self.fixture("{cert: certs/client.crt, key: certs/server.key}").run()
        #expect(result.diagnostics == ["echo.yaml:5:40: cannot set up TLS: the private key does not belong to the client certificate"])
    }

    @Test("every key, paths relative to the route file")
    func fullBlock() throws {
        let block = """

              ca: certs/ca.crt
              server_name: backend.example.test
              cert: ./certs/../certs/client.crt
              key: certs/client.key
              insecure_skip_verify: false
        """
        let result = try Self.fixture(block).run()
        #expect(result.diagnostics == [])
        let configuration = try #require(result.configuration)
        let tls = try #require(configuration.services.first?.tls)
        // The same files parsed directly: the block loaded these, not merely some certificate.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for (name, text) in try DevCertificates.fixtureFiles(["ca.crt", "client.crt", "client.key"], under: "certs") {
            try directory.write(name, text)
        }
        let certs = directory.path + "/certs/"
        #expect(tls.trustRoots == (try ThriftClientTLS.certificates(pemFile: certs + "ca.crt")))
        #expect(tls.serverName == "backend.example.test")
        #expect(tls.certificateChain == (try ThriftClientTLS.certificates(pemFile: certs + "client.crt")))
        #expect(tls.privateKey == (try ThriftClientTLS.privateKey(pemFile: certs + "client.key")))
        #expect(tls.verifiesCertificates)
        #expect(configuration.notes == [])
    }

    @Test("tls: {} is TLS with the system's trust roots and the endpoint's name; no tls is plain TCP")
    func emptyBlock() throws {
        let result = try Self.fixture("{}").run()
        #expect(result.diagnostics == [])
        #expect(result.configuration?.services.first?.tls == ThriftClientTLS())
        let plain = try ConfigFixture(["echo.yaml": echoServiceYAML]).run()
        #expect(plain.configuration?.services.first?.tls == nil)
    }

    @Test("insecure_skip_verify: true loads, with a warning note at the key")
    func insecure() throws {
        let result = try Self.fixture("{insecure_skip_verify: true}").run()
        let configuration = try #require(result.configuration)
        #expect(configuration.services.first?.tls?.verifiesCertificates == false)
        let note = try #require(configuration.notes.first)
        #expect(configuration.notes.count == 1)
        #expect((note.file as NSString).lastPathComponent == "echo.yaml")
        #expect((note.line, note.column) == (5, 11))
        #expect(note.message.hasPrefix("warning: service 'echo' does not verify its backends' certificates"))
    }

    @Test("a reload with the same tls keeps the client; a changed one builds a new client")
    func reloadReuse() throws {
        func build(_ block: String) throws -> GatewayConfiguration {
            try #require(try Self.fixture(block, withRoute: true).run().configuration)
        }
        let make: (ThriftClientConfiguration) -> any ThriftCaller = { configuration in
            FakeCaller(configuration: configuration) { _ in .failure(ClientError(.shutdown, "unused")) }
        }
        let key = ServiceRuntime.Key(service: "echo", idlService: "EchoService")
        let (first, _) = RuntimeSnapshot.build(configuration: try build("{ca: certs/ca.crt}"), previous: nil, makeCaller: make)
        let (same, kept) = RuntimeSnapshot.build(configuration: try build("{ca: certs/ca.crt}"), previous: first, makeCaller: make)
        #expect(kept.isEmpty)
        #expect(same.services[key]?.client.identity == first.services[key]?.client.identity)
        #expect(first.services[key] != nil)
        let (changed, retired) = RuntimeSnapshot.build(
            configuration: try build("{ca: certs/ca.crt, server_name: backend.example.test}"), previous: same, makeCaller: make)
        #expect(retired.count == 1)
        #expect(changed.services[key]?.client.identity != same.services[key]?.client.identity)
        #expect(changed.services[key]?.clientConfiguration.tls?.serverName == "backend.example.test")
    }
}
