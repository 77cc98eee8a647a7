import Foundation
import Testing
@testable import SluiceGateway

@Suite("Gateway config file: access_log")
struct AccessLogConfigTests {
    /// `top` goes under the file's root, `listener` under its one listener.
    func parse(top: String? = nil, listener: String? = nil, path: String = "/tmp/g.yaml") -> (GatewayFile, [String]) {
        var yaml = "listeners:\n  - address: \"127.0.0.1:8080\"\n"
        if let listener { yaml += "    access_log: \(listener)\n" }
        yaml += "routes: routes\n"
        if let top { yaml += "access_log: \(top)\n" }
        let (file, diagnostics) = GatewayFile.parse(text: yaml, path: path)
        return (file, diagnostics.map(\.description))
    }

    @Test("none by default; a path relative to the config file, json unless told; '-' is standard output")
    func values() throws {
        #expect(parse().0.accessLog == nil)
        #expect(parse(top: "{path: access.log}").0.accessLog == AccessLogSettings(destination: .file("/tmp/access.log"), format: .json))
        #expect(parse(top: #"{path: "-", format: combined}"#).0.accessLog == AccessLogSettings(destination: .standardOutput, format: .combined))
        #expect(parse(top: "off").0.accessLog == nil)
    }

    @Test("a listener inherits the gateway's log, turns it off, or keeps its own")
    func perListener() throws {
        let gatewayWide = AccessLogSettings(destination: .file("/tmp/all.log"))
        let inherit = try #require(parse(top: "{path: all.log}").0.listeners.first)
        #expect(inherit.accessLog.resolved(default: gatewayWide) == gatewayWide)
        let off = try #require(parse(top: "{path: all.log}", listener: "off").0.listeners.first)
        #expect(off.accessLog.resolved(default: gatewayWide) == nil)
        let own = try #require(parse(listener: "{path: edge.log, format: combined}").0.listeners.first)
        #expect(own.accessLog.resolved(default: gatewayWide) == AccessLogSettings(destination: .file("/tmp/edge.log"), format: .combined))
    }

    @Test("bad values are positioned errors")
    func errors() {
        #expect(parse(top: "{format: json}").1 == ["/tmp/g.yaml:4:13: 'access_log' needs a 'path' (\"-\" for standard output, or a file)"])
        #expect(parse(top: "{path: a.log, format: xml}").1.first?.hasPrefix("/tmp/g.yaml:4:35: ") == true)
        #expect(parse(top: #"{path: ""}"#).1 == [#"/tmp/g.yaml:4:20: 'access_log.path' must be "-" (standard output) or a file path"#])
        #expect(
            parse(listener: "{path: /nonexistent-sluice/a.log}").1
                == ["/tmp/g.yaml:3:24: the access log's directory /nonexistent-sluice does not exist"])
        #expect(parse(top: "{path: a.log, rotate: daily}").1.first?.contains("unknown key 'rotate'") == true)
    }
}
