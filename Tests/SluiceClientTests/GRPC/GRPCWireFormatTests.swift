import NIOCore
import NIOHPACK
import Testing
@testable import SluiceClient

/// The pure pieces of gRPC's wire format: grpc-timeout, the length-prefixed messages, the status trailers, the
/// request HEADERS.
@Suite("gRPC wire format")
struct GRPCWireFormatTests {
    @Test("grpc-timeout: the finest unit that fits eight digits, rounded up", arguments: [
        (TimeAmount.nanoseconds(1), "1n"),
        (.nanoseconds(99_999_999), "99999999n"),
        (.nanoseconds(100_000_000), "100000u"),
        (.milliseconds(250), "250000u"),
        (.nanoseconds(100_000_001), "100001u"),
        (.seconds(30), "30000000u"),
        (.seconds(100_000), "100000S"),
        (.hours(30_000), "1800000M"),
        (.hours(2_000_000), "2000000H"),
        (.zero, "1n"),
        (.milliseconds(-5), "1n"),
    ])
    func timeout(amount: TimeAmount, header: String) {
        #expect(GRPCTimeout.header(amount) == header)
    }

    static func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    @Test("messages come out whole however the frames cut them, and several in one frame")
    func reassembly() throws {
        var framed = ByteBuffer()
        GRPCMessageReassembler.frame(ByteBuffer(string: "first"), into: &framed)
        GRPCMessageReassembler.frame(ByteBuffer(), into: &framed)
        GRPCMessageReassembler.frame(ByteBuffer(string: "third one"), into: &framed)
        let bytes = Array(buffer: framed)
        for cut in 0...bytes.count {
            var reassembler = GRPCMessageReassembler(maxMessageSize: 100)
            var messages: [String] = []
            reassembler.append(Self.buffer(Array(bytes[..<cut])))
            while let message = try reassembler.next() { messages.append(String(buffer: message)) }
            reassembler.append(Self.buffer(Array(bytes[cut...])))
            while let message = try reassembler.next() { messages.append(String(buffer: message)) }
            #expect(messages == ["first", "", "third one"], "cut at \(cut)")
            #expect(reassembler.pendingBytes == 0)
        }
    }

    @Test("the prefix is written as flag 0 and a big-endian length")
    func framing() {
        var framed = ByteBuffer()
        GRPCMessageReassembler.frame(ByteBuffer(string: "hi"), into: &framed)
        #expect(Array(buffer: framed) == [0, 0, 0, 0, 2, 0x68, 0x69])
    }

    @Test("a compressed flag, an unknown flag and an oversized length are refused at the prefix", arguments: [
        ([1, 0, 0, 0, 1], GRPCWireError.compressedMessage),
        ([2, 0, 0, 0, 1], .compressionFlag(2)),
        ([0, 0, 0, 0, 11], .messageTooLarge(length: 11, limit: 10)),
        ([0, 0x80, 0, 0, 0], .messageTooLarge(length: 0x8000_0000, limit: 10)),
    ] as [([UInt8], GRPCWireError)])
    func badPrefix(prefix: [UInt8], error: GRPCWireError) {
        var reassembler = GRPCMessageReassembler(maxMessageSize: 10)
        reassembler.append(Self.buffer(prefix))
        #expect(throws: error) { try reassembler.next() }
    }

    @Test("status trailers: code, percent-decoded message, details padded or not")
    func statusTrailers() throws {
        let status = try GRPCStatusTrailers(
            parsing: HPACKHeaders([
                ("grpc-status", "3"), ("grpc-message", "bad %E2%9C%93 100%25 %zz %4"), ("grpc-status-details-bin", "CAMSAQ"),
            ]))
        #expect(status == GRPCStatusTrailers(code: 3, message: "bad \u{2713} 100% %zz %4", details: Self.buffer([8, 3, 18, 1])))
        let padded = try GRPCStatusTrailers(parsing: HPACKHeaders([("grpc-status", "0"), ("grpc-status-details-bin", "CAMSAQ==")]))
        #expect(padded.details == Self.buffer([8, 3, 18, 1]))
        #expect(padded.message == "")
        let plain = try GRPCStatusTrailers(parsing: HPACKHeaders([("grpc-status", "16")]))
        #expect(plain == GRPCStatusTrailers(code: 16, message: "", details: nil))
    }

    @Test("status trailers without a status, with a bad one or bad details are errors", arguments: [
        ([("grpc-message", "x")], GRPCWireError.missingStatus),
        ([("grpc-status", "")], .invalidStatus("")),
        ([("grpc-status", "-1")], .invalidStatus("-1")),
        ([("grpc-status", "1234567890")], .invalidStatus("1234567890")),
        ([("grpc-status", "2"), ("grpc-status-details-bin", "***")], .invalidStatusDetails),
    ] as [([(String, String)], GRPCWireError)])
    func badTrailers(fields: [(String, String)], error: GRPCWireError) {
        #expect(throws: error) { try GRPCStatusTrailers(parsing: HPACKHeaders(fields)) }
    }

    @Test("request HEADERS: the pseudo-headers, gRPC's fields, and metadata lower-cased, -bin values base64")
    func requestHead() {
        let headers = GRPCRequestHead.headers(
            path: "/pkg.S/M", scheme: "https", authority: "api.example.test", timeout: .milliseconds(1500),
            userAgent: "ua", metadata: [
                ("X-Trace", "abc"), ("trace-bin", "\u{0}\u{1}\u{2}\u{3}"), ("Content-Type", "text/plain"), (":path", "/evil"),
                ("TE", "gzip"), ("grpc-timeout", "1H"),
            ])
        #expect(headers.map { [$0.name, $0.value] } == [
            [":method", "POST"], [":scheme", "https"], [":path", "/pkg.S/M"], [":authority", "api.example.test"],
            ["content-type", "application/grpc"], ["te", "trailers"], ["grpc-timeout", "1500000u"], ["user-agent", "ua"],
            ["x-trace", "abc"], ["trace-bin", "AAECAw"],
        ])
    }

    @Test("keepalive: a PING per interval only with open streams and none unanswered; an unanswered one closes")
    func keepalive() {
        var keepalive = GRPCKeepalive()
        #expect(keepalive.intervalElapsed(openStreams: 0) == nil)
        let first = keepalive.intervalElapsed(openStreams: 2)
        #expect(first == 1)
        #expect(keepalive.intervalElapsed(openStreams: 2) == nil)
        keepalive.acknowledged(99)
        #expect(keepalive.timedOut(1))
        keepalive.acknowledged(1)
        #expect(!keepalive.timedOut(1))
        #expect(keepalive.intervalElapsed(openStreams: 1) == 2)
        #expect(!keepalive.timedOut(1))
        #expect(keepalive.timedOut(2))
    }
}
