import Foundation
import Testing
@testable import SluiceGateway

@Suite("TLS listener configuration")
struct ListenerTLSTests {
    @Test("SNI: exact names first, then one-label wildcards, case and a trailing dot ignored")
    func serverNames() {
        let table = ServerNameTable([(pattern: "api.example.test", value: 1), (pattern: "*.example.test", value: 2)])
        #expect(table.lookup("api.example.test") == 1)
        #expect(table.lookup("API.Example.Test.") == 1)
        #expect(table.lookup("www.example.test") == 2)
        #expect(table.lookup("a.b.example.test") == nil)
        #expect(table.lookup("example.test") == nil)
        #expect(table.lookup("other.test") == nil)
    }

    @Test("server name patterns are DNS names, optionally with a leading *.")
    func patterns() {
        for good in ["api.example.test", "*.example.test", "localhost", "a-b.c9"] {
            #expect(ListenerTLS.NamedCertificate.isValidPattern(good), "\(good)")
        }
        for bad in ["", "*.", "a..b", "-a.b", "a-.b", "a b", "*.*.x", "a*.b", "x.*", String(repeating: "a", count: 64) + ".b"] {
            #expect(!ListenerTLS.NamedCertificate.isValidPattern(bad), "\(bad)")
        }
    }

    /// Parses `yaml` as `<temporary directory>/g.yaml`, beside a `bad.crt` that is not PEM; paths in the
    /// messages come back relative to that directory.
    func parse(_ yaml: String) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "not a certificate".write(to: directory.appendingPathComponent("bad.crt"), atomically: true, encoding: .utf8)
        let path = directory.appendingPathComponent("g.yaml").path
        return GatewayFile.parse(text: yaml, path: path).1.map {
            $0.description.replacingOccurrences(of: directory.path + "/", with: "")
        }
    }

    @Test("tls and http2 blocks: each problem positioned, files checked as they load")
    func diagnostics() throws {
        let errors = try parse("""
            listeners:
              - address: "127.0.0.1:1"
                tls: {cert: a.crt}
              - address: "127.0.0.1:2"
                tls: {cert: bad.crt, key: bad.crt, sni: [{server_name: "x..y", cert: a, key: b}, {cert: a}], extra: 1}
              - address: "127.0.0.1:3"
                http2: {max_concurrent_streams: 0, initial_window: 4GiB, max_frame_size: 1KiB, max_resets_per_second: x}
            routes: r
            """)
        #expect(errors == [
            "g.yaml:3:10: 'tls' needs 'key' (a PEM file)",
            "g.yaml:5:10: 'bad.crt' holds no PEM certificate",
            "g.yaml:5:60: bad server name 'x..y' (expected a DNS name such as api.example.test or *.example.test)",
            "g.yaml:5:86: an 'sni' entry needs 'server_name', 'cert' and 'key'",
            "g.yaml:5:98: unknown key 'extra' in 'tls' (expected one of: cert, key, client_ca, sni)",
            "g.yaml:7:37: 'max_concurrent_streams' must be an integer in 1...100000",
            "g.yaml:7:56: 'initial_window' must be between 1 byte and 2 GiB - 1",
            "g.yaml:7:78: 'max_frame_size' must be between 16KiB and 16MiB - 1 (RFC 9113 §6.5.2)",
            "g.yaml:7:107: 'max_resets_per_second' must be an integer in 1...1000000",
        ])
    }

    @Test("a certificate that is not PEM is reported once per listener, with its path")
    func missingFiles() throws {
        let errors = try parse("""
            listeners:
              - {address: "127.0.0.1:1", tls: {cert: bad.crt, key: none.key}}
              - {address: "127.0.0.1:2", tls: {cert: bad.crt, key: bad.crt, client_ca: bad.crt}}
            routes: r
            """)
        #expect(errors == [
            "g.yaml:2:35: 'bad.crt' holds no PEM certificate",
            "g.yaml:3:35: 'bad.crt' holds no PEM certificate",
        ])
    }
}
