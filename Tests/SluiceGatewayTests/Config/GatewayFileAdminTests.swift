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
