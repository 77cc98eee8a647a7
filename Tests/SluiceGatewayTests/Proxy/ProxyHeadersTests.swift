import NIOHTTP1
import Testing
@testable import SluiceGateway

@Suite("Proxy header fields")
struct ProxyHeadersTests {
    private let origin = ProxyHeaders.Origin(clientAddress: "192.0.2.7", scheme: "http")

    private func names(_ headers: HTTPHeaders) -> [String] { headers.map { $0.name.lowercased() } }

    @Test("hop-by-hop fields go, with every field Connection names; end-to-end ones stay in order")
    func hopByHop() {
        let headers: HTTPHeaders = [
            "Host": "example.test", "Connection": "keep-alive, X-Secret , x-other", "Keep-Alive": "timeout=5",
            "Proxy-Connection": "keep-alive", "TE": "trailers", "Transfer-Encoding": "chunked", "Upgrade": "h2c",
            "Proxy-Authorization": "Basic x", "Proxy-Authenticate": "Basic", "Trailer": "X-Sum", "Expect": "100-continue",
            "X-Secret": "1", "X-Other": "2", "Accept": "*/*", "Cookie": "a=1",
        ]
        #expect(names(ProxyHeaders.removingHopByHop(headers)) == ["host", "accept", "cookie"])
    }

    @Test("names match hop-by-hop ones and Connection's tokens in any letter case, and only in letters")
    func caseInsensitiveNames() {
        let headers: HTTPHeaders = [
            "CONNECTION": "X-SECRET, x-a[", "TRANSFER-encoding": "chunked", "x-Secret": "1", "X-A{": "2", "X-A[": "3",
        ]
        #expect(names(ProxyHeaders.removingHopByHop(headers)) == ["x-a{"])
    }

    @Test("X-Forwarded-For and Forwarded are appended to, -Proto and -Host set from what the gateway saw")
    func forwarded() {
        let headers: HTTPHeaders = [
            "Host": "shop.example", "X-Forwarded-For": "203.0.113.1", "x-forwarded-for": "198.51.100.2",
            "X-Forwarded-Proto": "https", "X-Forwarded-Host": "spoofed", "Forwarded": "for=203.0.113.1",
        ]
        let result = ProxyHeaders.request(headers, origin: origin, fallbackHost: "127.0.0.1:9000")
        #expect(result["host"] == ["shop.example"])
        #expect(result["x-forwarded-for"] == ["203.0.113.1, 198.51.100.2, 192.0.2.7"])
        #expect(result["x-forwarded-proto"] == ["http"])
        #expect(result["x-forwarded-host"] == ["shop.example"])
        #expect(result["forwarded"] == ["for=203.0.113.1, for=192.0.2.7;host=shop.example;proto=http"])
    }

    @Test("a request without Host gets the upstream's; IPv6 clients and odd hosts are quoted in Forwarded")
    func fallbacks() {
        let v6 = ProxyHeaders.Origin(clientAddress: "2001:db8::1", scheme: "http")
        let result = ProxyHeaders.request(["Accept": "*/*"], origin: v6, fallbackHost: "127.0.0.1:9000")
        #expect(result["host"] == ["127.0.0.1:9000"])
        #expect(result["x-forwarded-for"] == ["2001:db8::1"])
        #expect(result["x-forwarded-host"] == [])
        #expect(result["forwarded"] == ["for=\"[2001:db8::1]\";proto=http"])
        let host = ProxyHeaders.forwardedElement(origin: origin, host: "example.test:8080")
        #expect(host == "for=192.0.2.7;host=\"example.test:8080\";proto=http")
        let odd = ProxyHeaders.forwardedElement(origin: ProxyHeaders.Origin(scheme: "https"), host: "a\"b\\c")
        #expect(odd == "for=unknown;host=\"a\\\"b\\\\c\";proto=https")
    }
}

@Suite("Proxy header fields: WebSocket upgrades")
struct ProxyUpgradeHeadersTests {
    @Test("a WebSocket upgrade keeps Connection: Upgrade and Upgrade: websocket upstream; other upgrades do not")
    func upgrade() {
        let origin = ProxyHeaders.Origin(clientAddress: "192.0.2.7", scheme: "http")
        let websocket: HTTPHeaders = ["Connection": "keep-alive, Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Key": "k"]
        #expect(ProxyHeaders.isWebSocketUpgrade(websocket))
        let sent = ProxyHeaders.request(websocket, origin: origin, fallbackHost: "u")
        #expect(sent["connection"] == ["Upgrade"])
        #expect(sent["upgrade"] == ["websocket"])
        #expect(sent["sec-websocket-key"] == ["k"])
        let h2c: HTTPHeaders = ["Connection": "Upgrade, HTTP2-Settings", "Upgrade": "h2c", "HTTP2-Settings": "x"]
        #expect(!ProxyHeaders.isWebSocketUpgrade(h2c))
        let plain = ProxyHeaders.request(h2c, origin: origin, fallbackHost: "u")
        #expect(plain["connection"] == [] && plain["upgrade"] == [] && plain["http2-settings"] == [])
        #expect(!ProxyHeaders.isWebSocketUpgrade(["Upgrade": "websocket"]))
    }
}
