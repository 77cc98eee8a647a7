import NIOCore
import NIOHTTP1
import Testing
@testable import SluiceGateway

@Suite("Proxy response framing")
struct ProxyResponseFramingTests {
    @Test("the framing follows the request method, the status, the upstream's length and the client's version")
    func choose() {
        let length: HTTPHeaders = ["content-length": "5"]
        #expect(ProxyResponseFraming.choose(status: 200, headers: length, requestMethod: .HEAD, clientVersion: .http1_1) == .none)
        #expect(ProxyResponseFraming.choose(status: 204, headers: [:], requestMethod: .GET, clientVersion: .http1_1) == .none)
        #expect(ProxyResponseFraming.choose(status: 304, headers: [:], requestMethod: .GET, clientVersion: .http1_1) == .none)
        #expect(ProxyResponseFraming.choose(status: 200, headers: length, requestMethod: .GET, clientVersion: .http1_1) == .contentLength)
        #expect(ProxyResponseFraming.choose(status: 200, headers: [:], requestMethod: .GET, clientVersion: .http1_1) == .chunked)
        #expect(ProxyResponseFraming.choose(status: 200, headers: [:], requestMethod: .GET, clientVersion: .http1_0) == .untilClose)
    }

    @Test("a chunked body is re-framed chunk by chunk; the head says so and what connection says")
    func bytes() {
        let allocator = ByteBufferAllocator()
        var head = allocator.buffer(capacity: 64)
        ProxyResponseFraming.writeHead(
            status: 201, reason: "Made", headers: ["X-A": "1"], framing: .chunked, connection: .close, into: &head)
        #expect(String(buffer: head) == "HTTP/1.1 201 Made\r\nX-A: 1\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n")
        let chunk = ProxyResponseFraming.chunked.body(ByteBuffer(string: String(repeating: "x", count: 26)), allocator: allocator)
        #expect(chunk.map { String(buffer: $0) } == "1a\r\n" + String(repeating: "x", count: 26) + "\r\n")
        #expect(ProxyResponseFraming.chunked.body(ByteBuffer(), allocator: allocator) == nil)
        #expect(ProxyResponseFraming.chunked.end(allocator: allocator).map { String(buffer: $0) } == "0\r\n\r\n")
        #expect(ProxyResponseFraming.contentLength.body(ByteBuffer(string: "abc"), allocator: allocator) == ByteBuffer(string: "abc"))
        #expect(ProxyResponseFraming.contentLength.end(allocator: allocator) == nil)
        #expect(ProxyResponseFraming.none.body(ByteBuffer(string: "abc"), allocator: allocator) == nil)
    }
}
