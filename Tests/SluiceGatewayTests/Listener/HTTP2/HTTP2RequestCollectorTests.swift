import NIOCore
import NIOHPACK
import Testing
@testable import SluiceGateway

@Suite("HTTP/2 stream -> GatewayRequest")
struct HTTP2RequestCollectorTests {
    func headers(_ method: String, _ path: String?, _ extra: [(String, String)] = []) -> HPACKHeaders {
        var block: [(String, String)] = [(":method", method), (":scheme", "https"), (":authority", "api.test")]
        if let path { block.append((":path", path)) }
        return HPACKHeaders(block + extra)
    }

    func dispatched(_ event: HTTP2RequestCollector.Event) -> GatewayRequest? {
        if case .dispatch(let request) = event { return request }
        return nil
    }

    func rejected(_ event: HTTP2RequestCollector.Event) -> GatewayError? {
        if case .reject(let error) = event { return error }
        return nil
    }

    @Test("a bodiless request completes with its HEADERS; :authority becomes host; split cookies stay fields")
    func headersOnly() throws {
        var collector = HTTP2RequestCollector(maxBodySize: 10)
        let block = headers("GET", "/v1/items/7?verbose=true", [("cookie", "a=1"), ("cookie", "b=2"), ("x-user", "u")])
        let request = try #require(dispatched(collector.receivedHeaders(block, endStream: true)))
        #expect(request.method == "GET")
        #expect(request.path == "/v1/items/7")
        #expect(request.query == "verbose=true")
        #expect(request.headers.first("host") == "api.test")
        #expect(request.headers.values("cookie") == ["a=1", "b=2"])
        #expect(request.headers.first("x-user") == "u")
        #expect(request.body == nil)
        #expect(collector.isComplete)
    }

    @Test("DATA frames are joined into the body; END_STREAM on DATA or on trailers completes the request")
    func body() throws {
        var collector = HTTP2RequestCollector(maxBodySize: 100)
        guard case .none = collector.receivedHeaders(headers("POST", "/x"), endStream: false) else {
            Issue.record("completed early")
            return
        }
        guard case .none = collector.receivedData(ByteBuffer(string: "{\"a\":"), endStream: false) else { return }
        let request = try #require(dispatched(collector.receivedData(ByteBuffer(string: "1}"), endStream: true)))
        #expect(request.body == ByteBuffer(string: "{\"a\":1}"))

        var trailers = HTTP2RequestCollector(maxBodySize: 100)
        _ = trailers.receivedHeaders(headers("POST", "/x"), endStream: false)
        _ = trailers.receivedData(ByteBuffer(string: "{}"), endStream: false)
        let ended = try #require(dispatched(trailers.receivedHeaders(HPACKHeaders([("x-checksum", "1")]), endStream: true)))
        #expect(ended.body == ByteBuffer(string: "{}"))
    }

    @Test("a body over the limit is 413, by content-length up front or as DATA arrives")
    func tooLarge() throws {
        var declared = HTTP2RequestCollector(maxBodySize: 4)
        let early = try #require(rejected(declared.receivedHeaders(headers("POST", "/x", [("content-length", "5")]), endStream: false)))
        #expect(early.code == .payloadTooLarge)
        #expect(declared.isComplete)

        var streamed = HTTP2RequestCollector(maxBodySize: 4)
        _ = streamed.receivedHeaders(headers("POST", "/x"), endStream: false)
        _ = streamed.receivedData(ByteBuffer(string: "abc"), endStream: false)
        let late = try #require(rejected(streamed.receivedData(ByteBuffer(string: "de"), endStream: false)))
        #expect(late.code == .payloadTooLarge)
        guard case .none = streamed.receivedData(ByteBuffer(string: "f"), endStream: true) else {
            Issue.record("frames after the rejection must be ignored")
            return
        }
    }

    @Test("plain CONNECT and a missing :path are refused")
    func refused() throws {
        var connect = HTTP2RequestCollector(maxBodySize: 4)
        #expect(try #require(rejected(connect.receivedHeaders(headers("CONNECT", nil), endStream: false))).code == .methodNotAllowed)
        var noPath = HTTP2RequestCollector(maxBodySize: 4)
        #expect(try #require(rejected(noPath.receivedHeaders(headers("GET", nil), endStream: true))).code == .badRequest)
    }
}

@Suite("HTTP/2 stream -> GatewayRequest: the end of the request")
struct HTTP2RequestEndTests {
    @Test("a request refused before END_STREAM is complete for the gateway but not ended by the client")
    func rejectedEarly() {
        var collector = HTTP2RequestCollector(maxBodySize: 2)
        _ = collector.receivedHeaders(HPACKHeaders([(":method", "POST"), (":path", "/x")]), endStream: false)
        _ = collector.receivedData(ByteBuffer(string: "abc"), endStream: false)
        #expect(collector.isComplete)
        #expect(!collector.requestEnded)
        _ = collector.receivedData(ByteBuffer(string: "d"), endStream: true)
        #expect(collector.requestEnded)
    }
}
