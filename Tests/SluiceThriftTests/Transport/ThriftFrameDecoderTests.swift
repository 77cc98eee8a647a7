import NIOCore
import SluiceThrift
import Testing

/// A length finder for tests: the message header then a body of exactly `bodyLength` bytes.
struct FixedBodyLengthFinder: ThriftMessageLengthFinder {
    var bodyLength: Int
    func messageLength(in buffer: ByteBuffer, protocol kind: ThriftProtocolKind) throws -> Int? {
        var copy = buffer
        do {
            _ = try ThriftMessageHeader.read(from: &copy, protocol: kind)
        } catch {
            return nil
        }
        let length = copy.readerIndex - buffer.readerIndex + bodyLength
        return buffer.readableBytes >= length ? length : nil
    }
}

@Suite("Frame decoder")
struct ThriftFrameDecoderTests {
    /// `{1: i32 1}` in each protocol.
    static func body(_ kind: ThriftProtocolKind) -> ByteBuffer {
        switch kind {
        case .binary: hexBuffer("08 0001 00000001 00")
        case .compact: hexBuffer("15 02 00")
        }
    }

    static func message(_ kind: ThriftProtocolKind, seq: Int32 = 9) -> ByteBuffer {
        var out = ByteBuffer()
        ThriftMessageHeader(name: "add", type: .call, sequenceID: seq).write(to: &out, protocol: kind)
        var body = body(kind)
        out.writeBuffer(&body)
        return out
    }

    static func encoded(_ envelope: ThriftEnvelope, _ kind: ThriftProtocolKind) throws -> ByteBuffer {
        var out = ByteBuffer()
        let start = try envelope.writeFrameStart(into: &out)
        var message = message(kind)
        out.writeBuffer(&message)
        try start.finish(in: &out)
        return out
    }

    static let cases: [(ThriftEnvelope, ThriftProtocolKind)] = [
        (.ttheader(TTHeader(sequenceID: 9, intInfo: [.toMethod: "add"])), .binary),
        (.ttheader(TTHeader(sequenceID: 9, protocolID: TTHeader.ProtocolID.compact)), .compact),
        (.theader(THeader(sequenceID: 9, info: ["k": "v"])), .binary),
        (.theader(THeader(sequenceID: 9, protocolKind: .compact, transforms: [.zlib])), .compact),
        (.framed, .binary),
        (.framed, .compact),
        (.buffered, .binary),
        (.buffered, .compact),
    ]

    @Test("detects every transport and protocol, fed one byte at a time, two frames back to back")
    func detectsDripFed() throws {
        for (envelope, kind) in Self.cases {
            let finder = FixedBodyLengthFinder(bodyLength: Self.body(kind).readableBytes)
            var decoder = ThriftFrameDecoder(transport: nil, lengthFinder: finder)
            let frame = try Self.encoded(envelope, kind)
            var stream = ByteBuffer()
            var frames: [ThriftFrame] = []
            for byte in (Array(frame.readableBytesView) + Array(frame.readableBytesView)) {
                stream.writeInteger(byte)
                while let decoded = try decoder.decode(buffer: &stream) { frames.append(decoded) }
            }
            #expect(frames.count == 2, "\(envelope)")
            #expect(decoder.detectedTransport == envelope.transport)
            for decoded in frames {
                #expect(decoded.envelope == envelope)
                #expect(decoded.protocolKind == kind)
                #expect(decoded.payload == Self.message(kind))
            }
        }
    }

    @Test("an over-limit length is rejected as soon as its 4 bytes arrive", arguments: [
        "00fa0001 10000000", "00fa0001 0fff0000", "00fa0001 80010001",
    ])
    func overLimit(prefix: String) {
        var decoder = ThriftFrameDecoder(transport: nil, maxFrameLength: 1024)
        var input = hexBuffer(prefix)
        #expect(throws: ThriftTransportError.self) { _ = try decoder.decode(buffer: &input) }
        var framed = ThriftFrameDecoder(transport: .framed, maxFrameLength: 1024)
        var lengthOnly = hexBuffer("00fa0001")
        #expect(throws: ThriftTransportError.self) { _ = try framed.decode(buffer: &lengthOnly) }
    }

    @Test("garbage is rejected, not buffered")
    func garbage() {
        var decoder = ThriftFrameDecoder(transport: nil)
        var input = ByteBuffer(string: "GET / HTTP/1.1\r\n")
        #expect(throws: ThriftTransportError.self) { _ = try decoder.decode(buffer: &input) }
    }

    @Test("unframed messages are delimited by parsing them, by default", arguments: ThriftProtocolKind.allCases)
    func unframedByDefault(kind: ThriftProtocolKind) throws {
        var decoder = ThriftFrameDecoder(transport: nil)
        var stream = ByteBuffer()
        var frames: [ThriftFrame] = []
        let message = Self.message(kind)
        for byte in Array(message.readableBytesView) + Array(message.readableBytesView) {
            stream.writeInteger(byte)
            while let frame = try decoder.decode(buffer: &stream) { frames.append(frame) }
        }
        #expect(frames.map(\.payload) == [message, message])
        #expect(frames.allSatisfy { $0.envelope == .buffered && $0.protocolKind == kind })
    }

    @Test("a malformed unframed message is an error")
    func unframedMalformed() {
        var decoder = ThriftFrameDecoder(transport: .buffered)
        // A struct field of type 0x7f does not exist.
        var input = hexBuffer("80010001 00000003 616464 00000000 7f 0001 00")
        #expect(throws: ThriftTransportError.self) { _ = try decoder.decode(buffer: &input) }
    }

    @Test("an unframed message that never ends within the limit is an error")
    func unframedLimit() {
        struct NeverEnds: ThriftMessageLengthFinder {
            func messageLength(in buffer: ByteBuffer, protocol: ThriftProtocolKind) throws -> Int? { nil }
        }
        var decoder = ThriftFrameDecoder(transport: .buffered, maxFrameLength: 64, lengthFinder: NeverEnds())
        var input = Self.message(.binary)
        input.writeRepeatingByte(0, count: 100)
        #expect(throws: ThriftTransportError.self) { _ = try decoder.decode(buffer: &input) }
    }
}
