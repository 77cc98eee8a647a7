import Testing
@testable import SluiceGateway

@Suite("cors")
struct CORSSettingsTests {
    func settings(origins: [String] = ["https://shop.example.test"], patterns: [String] = [], headers: [String]? = nil, credentials: Bool = false)
        throws -> CORSSettings
    {
        CORSSettings(
            origins: origins, originPatterns: try patterns.map(OriginPattern.init), methods: ["GET", "POST"], headers: headers,
            exposeHeaders: [], credentials: credentials, maxAge: nil)
    }

    @Test("exact origins, whole-string patterns, and *")
    func origins() throws {
        let cors = try settings(patterns: [#"https://[a-z]+\.partner\.test"#])
        #expect(cors.allows(origin: "https://shop.example.test"))
        #expect(!cors.allows(origin: "https://shop.example.test.evil"))
        #expect(cors.allows(origin: "https://app.partner.test"))
        #expect(!cors.allows(origin: "https://app.partner.test.evil.test"))
        #expect(!cors.allows(origin: "http://app.partner.test"))
        let any = try settings(origins: ["*"])
        #expect(any.allows(origin: "https://anything.test") && any.allowOrigin(for: "https://anything.test") == "*")
        #expect(try settings(origins: ["*"], credentials: true).allowOrigin(for: "https://a.test") == "https://a.test")
    }

    @Test("a preflight's requested headers: echoed when allowed, any one not allowed refuses them all")
    func headers() throws {
        let listed = try settings(headers: ["content-type", "x-api-key"])
        #expect(listed.allowHeaders(requested: "Content-Type, X-Api-Key") == .some("Content-Type, X-Api-Key"))
        #expect(listed.allowHeaders(requested: "content-type, x-secret") == nil)
        #expect(listed.allowHeaders(requested: nil) == .some(nil))
        #expect(try settings().allowHeaders(requested: "x-anything") == .some("x-anything"))
    }

    @Test("origins as browsers send them", arguments: [
        ("https://shop.example.test", true), ("http://127.0.0.1:8080", true), ("https://a.test/", false), ("shop.example.test", false),
        ("https://a.test?x", false), ("://a.test", false),
    ])
    func originSyntax(_ text: String, _ valid: Bool) {
        #expect(PluginReader.isOrigin(text) == valid)
    }
}
