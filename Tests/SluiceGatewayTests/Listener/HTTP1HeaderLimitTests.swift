import NIOCore
import NIOEmbedded
import Testing
@testable import SluiceGateway

@Suite("HTTP/1.1 header size limit")
struct HTTP1HeaderLimitTests {
    @Test("a head that keeps growing past max_header_bytes gets 431 with the JSON error and the connection closes")
    func growingHeadIs431() throws {
        let harness = try HTTP1Harness(maxHeaderBytes: 256)
        try harness.send("GET /x HTTP/1.1\r\nHost: h\r\n")
        for _ in 0..<10 { try harness.send("X-Filler: " + String(repeating: "a", count: 40) + "\r\n") }
        let responses = HTTP1Harness.responses(try harness.output())
        #expect(responses.count == 1)
        #expect(responses.first?.head.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large") == true)
        #expect(responses.first?.head.contains("connection: close") == true)
        #expect(
            responses.first?.body
                == #"{"error":{"code":"header_fields_too_large","message":"the request line and headers are larger than the limit"}}"#)
        #expect(harness.handler.requests.isEmpty)
        harness.channel.embeddedEventLoop.run()
        #expect(!harness.channel.isActive)
    }

    @Test("a long request target counts too")
    func longTargetIs431() throws {
        let harness = try HTTP1Harness(maxHeaderBytes: 256)
        try harness.send("GET /" + String(repeating: "p", count: 300) + " HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(HTTP1Harness.responses(try harness.output()).first?.head.hasPrefix("HTTP/1.1 431") == true)
        #expect(harness.handler.requests.isEmpty)
    }

    @Test("a head under the limit is served, and a pipelined oversized one after it is answered 431 in order")
    func underLimitThenOver() throws {
        let harness = try HTTP1Harness(maxHeaderBytes: 256)
        let small = "GET /ok HTTP/1.1\r\nHost: h\r\nX-Filler: " + String(repeating: "a", count: 150) + "\r\n\r\n"
        let big = "GET /big HTTP/1.1\r\nHost: h\r\nX-Filler: " + String(repeating: "a", count: 300) + "\r\n\r\n"
        try harness.send(small + big)
        let responses = HTTP1Harness.responses(try harness.output())
        #expect(responses.map { $0.head.prefix(12) } == ["HTTP/1.1 200", "HTTP/1.1 431"])
        #expect(harness.handler.requests.map(\.path) == ["/ok"])
    }
}
