import Testing
@testable import SluiceGateway

@Suite("plugin layers")
struct PluginLayerTests {
    static let headers = HeaderRewriteSettings(request: .init(set: [("x-a", "1")]))
    static let otherHeaders = HeaderRewriteSettings(request: .init(set: [("x-b", "2")]))

    @Test("a nearer level replaces a plugin whole; off removes it; others are inherited")
    func resolve() {
        let global = PluginLayer(entries: [.headers: .headers(Self.headers), .requestSize: .requestSize(10)])
        let service = PluginLayer(entries: [.headers: .headers(Self.otherHeaders)])
        let route = PluginLayer(entries: [.requestSize: .off])
        let settings = PluginLayer.resolve(global, service, route)
        #expect(settings.headers == Self.otherHeaders)
        #expect(settings.requestSize == nil)
        #expect(PluginLayer.resolve(global).requestSize == 10)
        #expect(PluginLayer.resolve(PluginLayer(entries: [.cors: .off])).isEmpty)
        #expect(PluginChain(PluginLayer.resolve(route)) == nil)
    }

    @Test("the fixed order: addresses, CORS, size, credentials, header edits, then the envelope")
    func order() {
        #expect(PluginName.allCases.map(\.rawValue) == [
            "ip_restriction", "cors", "request_size", "request_timeout", "key_auth", "jwt_auth", "headers", "envelope",
        ])
    }

    @Test("key digests: hex in either case, 64 digits exactly; the key's digest finds it")
    func digests() {
        let digest = KeyDigest(key: "k-123")
        let hex = digest.bytes.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
        #expect(KeyDigest(hex: hex) == digest && KeyDigest(hex: hex.uppercased()) == digest)
        #expect(KeyDigest(hex: String(hex.dropLast())) == nil && KeyDigest(hex: String(hex.dropLast()) + "g") == nil)
    }
}
