import NIOCore
import Testing
@testable import SluiceGateway

@Suite("Gateway config file: admin")
struct GatewayFileAdminTests {
    func parse(_ admin: String?) -> (AdminSettings?, [String]) {
        var yaml = "listeners: [{address: \"127.0.0.1:0\"}]\nroutes: routes/\n"
        if let admin { yaml += "admin: \(admin)\n" }
        let (file, diagnostics) = GatewayFile.parse(text: yaml, path: "g.yaml")
        return (file.admin, diagnostics.map(\.description))
    }

    @Test("without the key the admin API listens on 127.0.0.1:9901; off turns it off")
    func defaults() {
        #expect(parse(nil) == (AdminSettings.default, []))
        #expect(parse(nil).0?.isDefault == true)
        #expect(parse("off") == (nil, []))
        let (settings, errors) = parse("{}")
        #expect(errors == [])
        #expect(settings == AdminSettings(address: ListenAddress(host: "127.0.0.1", port: 9901)))
    }

    @Test("an address and a token")
    func addressAndToken() {
        let (settings, errors) = parse(#"{address: "0.0.0.0:9901", token: s3cret}"#)
        #expect(errors == [])
        #expect(settings == AdminSettings(address: ListenAddress(host: "0.0.0.0", port: 9901), token: "s3cret"))
        #expect(parse(#"{address: "[::1]:9000"}"#).1 == [])
    }

    @Test("an address other machines reach needs a token; bad values are positioned errors")
    func errors() {
        #expect(parse(#"{address: "0.0.0.0:9901"}"#).1 == [
            "g.yaml:3:18: the admin listener on 0.0.0.0:9901 is reachable from other machines: set a 'token', or listen on 127.0.0.1"
        ])
        #expect(parse(#"{address: nowhere}"#).1 == ["g.yaml:3:18: bad admin address 'nowhere' (expected host:port or [v6]:port)"])
        #expect(parse(#"{token: ""}"#).1 == ["g.yaml:3:16: the admin 'token' is empty"])
        #expect(parse("{port: 1}").1 == ["g.yaml:3:9: unknown key 'port' in 'admin' (off, or {address, token}) (expected one of: address, token)"])
    }
}

@Suite("Gateway config file: watch and shutdown")
struct GatewayFileWatchTests {
    func parse(_ extra: String) -> (GatewayFile, [String]) {
        let yaml = "listeners: [{address: \"127.0.0.1:0\"}]\nroutes: routes/\n" + extra
        let (file, diagnostics) = GatewayFile.parse(text: yaml, path: "g.yaml")
        return (file, diagnostics.map(\.description))
    }

    @Test("defaults: files watched every 500ms with a 300ms quiet period, a 30s drain")
    func defaults() {
        let (file, errors) = parse("")
        #expect(errors == [])
        #expect(file.watch == WatchSettings(interval: .milliseconds(500), quiet: .milliseconds(300)))
        #expect(file.drainTimeout == .seconds(30))
    }

    @Test("values, off, and positioned errors")
    func values() {
        let (file, errors) = parse("watch: {interval: 2s, quiet: 1s}\nshutdown: {drain_timeout: 5s}\n")
        #expect(errors == [])
        #expect(file.watch == WatchSettings(interval: .seconds(2), quiet: .seconds(1)))
        #expect(file.drainTimeout == .seconds(5))
        #expect(parse("watch: off\n").0.watch == nil)
        #expect(parse("watch: {interval: soon}\nshutdown: {drain: 1s}\n").1 == [
            "g.yaml:3:19: bad duration 'soon' for 'watch.interval' (expected a positive number with a unit: 500ms, 1s, 2m)",
            "g.yaml:4:12: unknown key 'drain' in 'shutdown' (expected one of: drain_timeout)",
        ])
    }
}

@Suite("Gateway config file: metrics")
struct GatewayFileMetricsTests {
    func parse(_ extra: String) -> (Bool, [String]) {
        let (file, diagnostics) = GatewayFile.parse(text: "listeners: [{address: \"127.0.0.1:0\"}]\nroutes: routes/\n" + extra, path: "g.yaml")
        return (file.metrics, diagnostics.map(\.description))
    }

    @Test("on by default; on and off; anything else a positioned error")
    func values() {
        #expect(parse("") == (true, []))
        #expect(parse("metrics: off\n") == (false, []))
        #expect(parse("metrics: on\n") == (true, []))
        #expect(parse("metrics: {port: 1}\n").1 == ["g.yaml:3:10: 'metrics' must be on or off"])
    }
}
