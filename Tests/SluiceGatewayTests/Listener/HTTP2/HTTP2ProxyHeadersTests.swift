import NIOHPACK
import NIOHTTP1
import Testing
@testable import SluiceGateway

@Suite("HTTP/2 stream <-> proxied HTTP/1.1 heads")
struct HTTP2ProxyHeadersTests {
    func block(_ method: String, _ extra: [(String, String)] = []) -> HPACKHeaders {
        HPACKHeaders([(":method", method), (":scheme", "https"), (":authority", "api.test"), (":path", "/a/b?x=1")] + extra)
    }

    @Test("method, :path and fields carry over; :authority becomes host; te reaches the exchange, which drops it upstream")
    func request() throws {
        let head = try #require(HTTP2ProxyHeaders.request(block("DELETE", [("te", "trailers"), ("x-user", "u")]), endStream: true))
        #expect(head.method == .DELETE)
        #expect(head.uri == "/a/b?x=1")
        #expect(head.version == HTTP2ProxyHeaders.version)
        #expect(head.headers["host"] == ["api.test"])
        #expect(head.headers["x-user"] == ["u"])
        #expect(!head.headers.contains(name: "transfer-encoding"))
        let upstream = ProxyHeaders.request(head.headers, origin: .init(clientAddress: "10.0.0.1", scheme: "https"), fallbackHost: "up")
        #expect(!upstream.contains(name: "te"))
        #expect(upstream["x-forwarded-proto"] == ["https"])
        #expect(upstream["x-forwarded-host"] == ["api.test"])
    }

    @Test("a body without content-length goes upstream chunked; with one, or with no body, it does not")
    func bodyFraming() throws {
        let chunked = try #require(HTTP2ProxyHeaders.request(block("POST"), endStream: false))
        #expect(chunked.headers["transfer-encoding"] == ["chunked"])
        let sized = try #require(HTTP2ProxyHeaders.request(block("POST", [("content-length", "5")]), endStream: false))
        #expect(!sized.headers.contains(name: "transfer-encoding"))
        let empty = try #require(HTTP2ProxyHeaders.request(block("POST"), endStream: true))
        #expect(!empty.headers.contains(name: "transfer-encoding"))
    }

    @Test("a block without :path or :method is left to the collector to refuse")
    func incomplete() {
        #expect(HTTP2ProxyHeaders.request(HPACKHeaders([(":method", "GET")]), endStream: true) == nil)
        #expect(HTTP2ProxyHeaders.request(HPACKHeaders([(":path", "/")]), endStream: true) == nil)
    }

    @Test("extended CONNECT is told from plain CONNECT and other methods")
    func extendedConnect() {
        #expect(HTTP2ProxyHeaders.isExtendedConnect(block("CONNECT", [(":protocol", "websocket")])))
        #expect(!HTTP2ProxyHeaders.isExtendedConnect(block("CONNECT")))
        #expect(!HTTP2ProxyHeaders.isExtendedConnect(block("GET", [(":protocol", "websocket")])))
    }

    @Test("response: :status first, names lower-cased, connection-specific fields dropped")
    func response() {
        let headers = HTTPHeaders([
            ("Content-Type", "text/plain"), ("X-Up", "1"), ("Connection", "close"), ("Keep-Alive", "timeout=5"),
            ("Transfer-Encoding", "chunked"), ("Upgrade", "h2c"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"),
        ])
        let block = HTTP2ProxyHeaders.response(status: 201, headers: headers)
        #expect(Array(block.map(\.name)) == [":status", "content-type", "x-up", "set-cookie", "set-cookie"])
        #expect(block.first(name: ":status") == "201")
        #expect(block["set-cookie"] == ["a=1", "b=2"])
    }

    @Test("trailers: lower-cased, connection-specific ones dropped, none left is no block")
    func trailers() throws {
        let block = try #require(HTTP2ProxyHeaders.trailers(HTTPHeaders([("X-Checksum", "abc"), ("Connection", "close")])))
        #expect(Array(block.map(\.name)) == ["x-checksum"])
        #expect(HTTP2ProxyHeaders.trailers(HTTPHeaders([("Keep-Alive", "5")])) == nil)
        #expect(HTTP2ProxyHeaders.trailers(HTTPHeaders()) == nil)
    }
}
