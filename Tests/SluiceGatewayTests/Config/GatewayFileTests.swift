import NIOCore
import SluiceTracing
import Testing
@testable import SluiceGateway

@Suite("Gateway config file")
struct GatewayFileTests {
    func parse(_ yaml: String, path: String = "/etc/sluice/sluice.yaml") -> (GatewayFile, [String]) {
        let (file, diagnostics) = GatewayFile.parse(text: yaml, path: path)
        return (file, diagnostics.map(\.description))
    }

    @Test("the documented example loads: two listeners, routes relative to the file, every limit")
    func example() {
        let (file, errors) = parse("""
            listeners:
              - {address: "127.0.0.1:8080"}
              - {address: "[::1]:8081"}
            routes: routes/
            limits: {max_body: 8MiB, max_header_bytes: 64KiB, idle_timeout: 60s, header_timeout: 10s}
            """)
        #expect(errors == [])
        #expect(file.listeners.map(\.address) == [ListenAddress(host: "127.0.0.1", port: 8080), ListenAddress(host: "::1", port: 8081)])
        #expect(file.listeners.allSatisfy { $0.tls == nil && $0.http2 == HTTP2Limits() })
        #expect(file.routesDirectory == "/etc/sluice/routes")
        #expect(
            file.limits
                == ListenerLimits(maxBodySize: 8 << 20, maxHeaderBytes: 64 << 10, idleTimeout: .seconds(60), headerTimeout: .seconds(10)))
    }

    @Test("tracing: every key, none (on, nothing exported), off, and no section")
    func tracing() {
        let base = "listeners: [{address: \"127.0.0.1:8080\"}]\nroutes: routes/\n"
        let (full, errors) = parse(base + "tracing: {otlp: \"http://127.0.0.1:4318\", sample: 0.25, service_name: edge, export_interval: 2s, max_spans_per_second: 50}")
        #expect(errors == [])
        #expect(
            full.tracing
                == TracingSettings(
                    otlpEndpoint: "http://127.0.0.1:4318", sampleRatio: 0.25, serviceName: "edge", exportInterval: .seconds(2),
                    maxSpansPerSecond: 50))
        #expect(parse(base + "tracing: {}").0.tracing == TracingSettings())
        #expect(parse(base + "tracing: off").0.tracing == nil)
        #expect(parse(base).0.tracing == nil)
    }

    @Test("limits are optional and default to 8 MiB, 64 KiB, 60 s and 10 s; absolute routes stay as written")
    func defaults() {
        let (file, errors) = parse("listeners: [{address: \"0.0.0.0:0\"}]\nroutes: /srv/routes\nlimits: {header_timeout: 2s}\n")
        #expect(errors == [])
        #expect(file.routesDirectory == "/srv/routes")
        #expect(
            file.limits
                == ListenerLimits(maxBodySize: 8 << 20, maxHeaderBytes: 64 << 10, idleTimeout: .seconds(60), headerTimeout: .seconds(2)))
    }

    @Test("unknown keys are refused, each positioned")
    func unknownKeys() {
        let (_, errors) = parse("""
            listeners:
              - address: "127.0.0.1:8443"
                http3: {}
            routes: routes/
            stats: {port: 9090}
            limits: {max_connections: 10}
            """, path: "g.yaml")
        #expect(errors == [
            "g.yaml:3:5: unknown key 'http3' in a listener (expected one of: address, tls, http2, access_log)",
            "g.yaml:5:1: unknown key 'stats' in the gateway config (expected one of: listeners, routes, limits, websocket, admin, watch, shutdown, metrics, access_log, tracing, plugins)",
            "g.yaml:6:10: unknown key 'max_connections' in 'limits' (expected one of: max_body, max_header_bytes, idle_timeout, header_timeout)",
        ])
    }

    @Test("bad values are each reported at their position, all at once")
    func badValues() {
        let (_, errors) = parse("""
            listeners:
              - {address: "localhost"}
              - {address: "127.0.0.1:8080"}
              - {address: "127.0.0.1:8080"}
              - {}
            routes: routes/
            limits: {max_body: 8MB, max_header_bytes: 0KiB, idle_timeout: 60, header_timeout: 0s}
            """, path: "g.yaml")
        #expect(errors == [
            "g.yaml:2:15: bad listener address 'localhost' (expected host:port or [v6]:port)",
            "g.yaml:4:15: listener address '127.0.0.1:8080' is listed twice",
            "g.yaml:5:5: a listener needs an 'address' (\"host:port\")",
            "g.yaml:7:20: bad size '8MB' for 'max_body' (expected a positive number with a unit: 512B, 64KiB, 8MiB, 1GiB)",
            "g.yaml:7:43: bad size '0KiB' for 'max_header_bytes' (expected a positive number with a unit: 512B, 64KiB, 8MiB, 1GiB)",
            "g.yaml:7:63: bad duration '60' for 'idle_timeout' (expected a positive number with a unit: 500ms, 1s, 2m)",
            "g.yaml:7:83: bad duration '0s' for 'header_timeout' (expected a positive number with a unit: 500ms, 1s, 2m)",
        ])
    }

    @Test("missing listeners and routes, an empty list, YAML syntax errors and an empty file are positioned")
    func missingAndSyntax() {
        #expect(parse("limits: {}\n", path: "g.yaml").1 == [
            "g.yaml:1:1: missing 'listeners' (a list of {address: \"host:port\"})",
            "g.yaml:1:1: missing 'routes' (the route files directory)",
        ])
        #expect(parse("listeners: []\nroutes: r\n", path: "g.yaml").1 == ["g.yaml:1:12: 'listeners' must name at least one listener"])
        #expect(parse("listeners: [\n", path: "g.yaml").1.first?.hasPrefix("g.yaml:2:1: YAML syntax error") == true)
        #expect(parse("", path: "g.yaml").1 == ["g.yaml:1:1: the gateway config is empty (expected 'listeners' and 'routes')"])
    }

    @Test("sizes take B, KiB, MiB and GiB; anything else (decimal units, no unit, overflow) is refused")
    func sizes() {
        #expect(ConfigSize.parse("0B") == 0)
        #expect(ConfigSize.parse("100B") == 100)
        #expect(ConfigSize.parse("64KiB") == 65536)
        #expect(ConfigSize.parse("8MiB") == 8 << 20)
        #expect(ConfigSize.parse("2GiB") == 2 << 30)
        for bad in ["", "8", "8MB", "8 MiB", "8mib", "-1B", "MiB", "99999999999999999999GiB", "9223372036854775807KiB"] {
            #expect(ConfigSize.parse(bad) == nil, "\(bad)")
        }
    }
}
