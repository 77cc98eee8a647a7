import NIOCore
import SluiceThrift
import Testing

/// Apache C++'s `THeaderTransport::flush()` writes a frame even when nothing was written: a 14-byte THeader
/// header with no message. Its `TFramedTransport::close()` flushes, so every Apache C++ THeader server
/// (TSimpleServer, TThreadedServer, TThreadPoolServer) ends a connection with one.
@Suite("THeader frames without a message")
struct THeaderEmptyFrameTests {
    /// The bytes `Benchmarks/cpp/threaded_theader_server.cpp` (libthrift 0.17) sent for one `Say` call and
    /// its close, captured with strace: the reply in two writes (frame head, then payload), then the empty frame.
    static let replyHead = "0000002a 0fff 0000 00000001 0001 00000000"
    static let replyPayload = "80010002 00000003 536179 00000001 0c 0000 0b 0001 00000001 78 00 00"
    static let emptyFrame = "0000000e 0fff 0000 00000001 0001 00000000"

    static func decodeAll(_ chunks: [String], decoder: inout ThriftFrameDecoder) throws -> [ThriftFrame] {
        var buffer = ByteBuffer()
        var frames: [ThriftFrame] = []
        for chunk in chunks {
            var bytes = hexBuffer(chunk)
            buffer.writeBuffer(&bytes)
            while let frame = try decoder.decode(buffer: &buffer) { frames.append(frame) }
        }
        #expect(buffer.readableBytes == 0)
        return frames
    }

    static func sequenceIDs(_ frames: [ThriftFrame]) throws -> [Int32] {
        try frames.map { frame in
            var payload = frame.payload
            return try ThriftMessageHeader.read(from: &payload, protocol: frame.protocolKind).sequenceID
        }
    }

    @Test("the server's reply and closing frame, as written, give one message and no error")
    func capturedClose() throws {
        var decoder = ThriftFrameDecoder(transport: .theader)
        let frames = try Self.decodeAll([Self.replyHead, Self.replyPayload, Self.emptyFrame], decoder: &decoder)
        #expect(try Self.sequenceIDs(frames) == [1])
    }

    @Test("an empty frame between two replies is skipped, in one read or drip-fed")
    func betweenReplies() throws {
        let next = "0000002a 0fff 0000 00000002 0001 00000000"
        let nextPayload = "80010002 00000003 536179 00000002 0c 0000 0b 0001 00000001 78 00 00"
        let stream = [Self.replyHead, Self.replyPayload, Self.emptyFrame, next, nextPayload]
        var whole = ThriftFrameDecoder(transport: .theader)
        #expect(try Self.sequenceIDs(Self.decodeAll([stream.joined()], decoder: &whole)) == [1, 2])

        let digits = stream.joined().filter(\.isHexDigit)
        let bytes = stride(from: 0, to: digits.count, by: 2).map { offset in
            String(digits.dropFirst(offset).prefix(2))
        }
        var dripFed = ThriftFrameDecoder(transport: nil)
        #expect(try Self.sequenceIDs(Self.decodeAll(bytes, decoder: &dripFed)) == [1, 2])
    }
}
