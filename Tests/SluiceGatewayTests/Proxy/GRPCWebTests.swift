import NIOCore
import NIOHTTP1
import Testing
@testable import SluiceGateway

/// gRPC-Web's translation to gRPC and back, as pure values: content types, streaming base64 both ways, and
/// the trailer frame.
@Suite("gRPC-Web")
struct GRPCWebTests {
    @Test("content types", arguments: [
        ("application/grpc-web", GRPCWebCall.Mode.binary), ("application/grpc-web+proto", .binary),
        ("application/grpc-web-text", .text), ("Application/gRPC-Web-Text+proto", .text),
        ("application/grpc-web; charset=utf-8", .binary),
    ])
    func modes(contentType: String, mode: GRPCWebCall.Mode) {
        #expect(GRPCWebCall.Mode(contentType: contentType) == mode)
    }

    @Test("not gRPC-Web", arguments: ["application/grpc", "application/grpc+proto", "application/grpc-webx", "text/plain"])
    func notWeb(contentType: String) {
        #expect(GRPCWebCall.Mode(contentType: contentType) == nil)
    }

    private static func text(_ buffer: ByteBuffer?) -> String? { buffer.map { String(buffer: $0) } }

    @Test("text bodies decode in 4-character groups whatever the chunks, padding mid-stream included")
    func streamingDecode() {
        // "hello world" is aGVsbG8gd29ybGQ=; split at every place, and then a second padded segment.
        let encoded = Array("aGVsbG8gd29ybGQ=".utf8) + Array("IQ==".utf8)
        for cut in 0...encoded.count {
            var decoder = GRPCWebText.Decoder()
            let first = decoder.decode(ByteBuffer(bytes: encoded[..<cut]))
            let second = decoder.decode(ByteBuffer(bytes: encoded[cut...]))
            #expect((Self.text(first) ?? "-") + (Self.text(second) ?? "-") == "hello world!")
            #expect(decoder.isComplete)
        }
    }

    @Test("a text body that is not base64, or ends inside a group, is refused")
    func badText() {
        var decoder = GRPCWebText.Decoder()
        #expect(decoder.decode(ByteBuffer(string: "a*==")) == nil)
        var cut = GRPCWebText.Decoder()
        #expect(Self.text(cut.decode(ByteBuffer(string: "aGVsbG"))) == "hel")
        #expect(!cut.isComplete)
    }

    @Test("responses encode in 3-byte groups as chunks come, padded only at the end")
    func streamingEncode() {
        var encoder = GRPCWebText.Encoder()
        var output = ByteBuffer()
        for piece in ["h", "ello", " wor", "ld"] { encoder.encode(ByteBuffer(string: piece), into: &output) }
        #expect(String(buffer: output) == "aGVsbG8gd29y")
        encoder.finish(into: &output)
        #expect(String(buffer: output) == "aGVsbG8gd29ybGQ=")
    }

    @Test("the trailer frame: 0x80, a big-endian length, and name: value lines")
    func trailerFrame() {
        var frame = ByteBuffer()
        GRPCWebTrailers.write(["Grpc-Status": "0", "x-trace": "a b"], into: &frame)
        let lines = "grpc-status: 0\r\nx-trace: a b\r\n"
        #expect(frame.readInteger(as: UInt8.self) == 0x80)
        #expect(frame.readInteger(as: UInt32.self) == UInt32(lines.utf8.count))
        #expect(frame.readString(length: frame.readableBytes) == lines)
    }

    @Test("the request goes upstream as gRPC with te: trailers; a text body loses its length")
    func upstreamRequest() {
        let headers: HTTPHeaders = ["content-type": "application/grpc-web-text+proto", "content-length": "8", "x-user": "a"]
        let upstream = GRPCWebCall(mode: .text).upstreamHeaders(headers)
        #expect(upstream.first(name: "content-type") == "application/grpc+proto")
        #expect(upstream.first(name: "te") == "trailers")
        #expect(!upstream.contains(name: "content-length"))
        #expect(upstream.first(name: "x-user") == "a")
        #expect(GRPCWebCall(mode: .binary).upstreamHeaders(["content-type": "application/grpc-web"]).first(name: "content-type") == "application/grpc")
    }

    @Test("a response: messages as they are, the trailers as the last frame; all base64 in text mode")
    func response() {
        var call = GRPCWebCall(mode: .text)
        let head = call.responseHead(["content-type": "application/grpc", "content-length": "5"])
        #expect(head.first(name: "content-type") == "application/grpc-web-text+proto")
        #expect(!head.contains(name: "content-length"))
        var body = call.responseBody(ByteBuffer(bytes: [0, 0, 0, 0, 1, 7]))
        var end = call.responseEnd(trailers: ["grpc-status": "0"])
        body.writeBuffer(&end)
        var expected: [UInt8] = [0, 0, 0, 0, 1, 7, 0x80, 0, 0, 0, 16]
        expected += Array("grpc-status: 0\r\n".utf8)
        #expect(Self.text(body).flatMap { GRPCWebText.decodeWhole($0) } == expected)
    }

    @Test("a trailers-only response keeps its headers and repeats its status in the trailer frame")
    func trailersOnly() {
        var call = GRPCWebCall(mode: .binary)
        let head = call.responseHead(["content-type": "application/grpc", "grpc-status": "12", "grpc-message": "no"])
        #expect(head.first(name: "grpc-status") == "12")
        var end = call.responseEnd(trailers: nil)
        #expect(end.readInteger(as: UInt8.self) == 0x80)
        _ = end.readInteger(as: UInt32.self)
        #expect(end.readString(length: end.readableBytes) == "grpc-status: 12\r\ngrpc-message: no\r\n")
    }
}

extension GRPCWebText {
    /// Test helper: a whole text decoded at once.
    static func decodeWhole(_ text: String) -> [UInt8]? {
        var decoder = Decoder()
        return decoder.decode(ByteBuffer(string: text)).map { Array($0.readableBytesView) }
    }
}
