import NIOCore
import SluiceThrift
import Testing

/// Golden vectors T1–T3 from thrift-wire.md §1.7, executed with cloudwego/gopkg's encoder.
@Suite("TTHeader golden vectors")
struct TTHeaderVectorTests {
    static let t1 = """
        0000004c 10000000 00000001 0009 | 00 00 | 01 0001 0003 69736e 000b 4563686f53657276696365
        | 10 0001 0009 0004 4563686f | 0000 | 80010001 00000004 4563686f 00000001 0c0001 0b0001 00000002 6869 00 00
        """
    static let t2 = """
        0000002c 10000000 00000001 0001 | 00 00 0000 | 80010002 00000004 4563686f 00000001 0c0000 0b0001 00000002 6869 00 00
        """
    static let t3 = "00000012 10000000 00000007 0002 | 00 00 11 0003 746f6b"

    /// `Echo(1: Request{1: "hi"})`'s `_args` body, and the `_result` body with the same struct as success.
    static let argsBody = hexBuffer("0c0001 0b0001 00000002 6869 00 00")
    static let resultBody = hexBuffer("0c0000 0b0001 00000002 6869 00 00")

    @Test("T1: a request with isn and ToMethod encodes byte for byte")
    func encodeT1() throws {
        let header = TTHeader(sequenceID: 1, intInfo: [.toMethod: "Echo"], stringInfo: ["isn": "EchoService"])
        var payload = ByteBuffer()
        ThriftMessageHeader(name: "Echo", type: .call, sequenceID: 1).write(to: &payload, protocol: .binary)
        var body = Self.argsBody
        payload.writeBuffer(&body)
        var out = ByteBuffer()
        try header.encodeFrame(payload: payload, into: &out)
        #expect(hexString(out) == hexString(hexBuffer(Self.t1)))
    }

    @Test("T1 decodes to its header and message")
    func decodeT1() throws {
        var input = hexBuffer(Self.t1)
        let (header, payload) = try #require(try TTHeader.readFrame(from: &input))
        #expect(input.readableBytes == 0)
        #expect(header == TTHeader(sequenceID: 1, intInfo: [.toMethod: "Echo"], stringInfo: ["isn": "EchoService"]))
        var message = payload
        let messageHeader = try ThriftMessageHeader.read(from: &message, protocol: .binary)
        #expect(messageHeader == ThriftMessageHeader(name: "Echo", type: .call, sequenceID: 1))
        #expect(message == Self.argsBody)
    }

    @Test("T2: a default server's reply with empty info encodes byte for byte")
    func encodeT2() throws {
        var out = ByteBuffer()
        let start = try TTHeader(sequenceID: 1).writeFrameStart(into: &out)
        ThriftMessageHeader(name: "Echo", type: .reply, sequenceID: 1).write(to: &out, protocol: .binary)
        var body = Self.resultBody
        out.writeBuffer(&body)
        try start.finish(in: &out)
        #expect(hexString(out) == hexString(hexBuffer(Self.t2)))

        var input = out
        let (header, _) = try #require(try TTHeader.readFrame(from: &input))
        #expect(header == TTHeader(sequenceID: 1))
    }

    @Test("T3: the ACL token block encodes and decodes")
    func aclToken() throws {
        var out = ByteBuffer()
        try TTHeader(sequenceID: 7, aclToken: "tok").encodeFrame(payload: ByteBuffer(), into: &out)
        #expect(hexString(out) == hexString(hexBuffer(Self.t3)))
        var input = hexBuffer(Self.t3)
        let (header, payload) = try #require(try TTHeader.readFrame(from: &input))
        #expect(header.aclToken == "tok")
        #expect(header.sequenceID == 7)
        #expect(payload.readableBytes == 0)
    }

    @Test("several keys of every kind round trip; blocks are written ACL, string, int")
    func roundTripMaps() throws {
        let header = TTHeader(
            flags: 1, sequenceID: -5,
            intInfo: [.toService: "Echo", .toMethod: "Say", .msgType: "1", .rpcTimeout: "1000", .transportType: "unframed"],
            stringInfo: ["isn": "EchoService", "RPC_TRANSIT_traceparent": "00-abc-01"],
            aclToken: "secret")
        var out = ByteBuffer()
        try header.encodeFrame(payload: ByteBuffer(bytes: [0x80, 0x01, 0x00, 0x01]), into: &out)
        #expect(out.getInteger(at: 16, as: UInt8.self) == 0x11)
        var input = out
        let (decoded, payload) = try #require(try TTHeader.readFrame(from: &input))
        #expect(decoded == header)
        #expect(Array(payload.readableBytesView) == [0x80, 0x01, 0x00, 0x01])
        // The header section is padded to whole words.
        let words = try #require(out.getInteger(at: 12, as: UInt16.self))
        #expect(14 + Int(words) * 4 + 4 == out.readableBytes)
    }

    @Test("info can be checked without being kept; a truncated entry is still an error")
    func skippingInfo() throws {
        var input = hexBuffer(Self.t1)
        let (header, payload) = try #require(try TTHeader.readFrame(from: &input, keepingInfo: false))
        #expect(header == TTHeader(sequenceID: 1))
        var message = payload
        #expect(try ThriftMessageHeader.read(from: &message, protocol: .binary).name == "Echo")
        // The int entry claims a 0x20-byte value that runs past the header section.
        var truncated = hexBuffer("00000016 10000000 00000001 0003 | 00 00 10 0001 0009 0020 000000")
        #expect(throws: ThriftTransportError.self) { _ = try TTHeader.readFrame(from: &truncated, keepingInfo: false) }
        var theader = hexBuffer(THeaderVectorTests.fixture)
        let (theaderHeader, _) = try #require(try THeader.readFrame(from: &theader, keepingInfo: false))
        #expect(theaderHeader.info.isEmpty)
    }

    @Test("an unknown info id is an error, with its position")
    func unknownInfoID() throws {
        var input = hexBuffer("0000000e 10000000 00000001 0001 | 00 00 22 00")
        #expect(throws: ThriftTransportError(.unknownInfoID, offset: 16, "unknown TTHeader info id 0x22")) {
            _ = try TTHeader.readFrame(from: &input)
        }
    }

    @Test("padding bytes between blocks are skipped")
    func paddingSkipped() throws {
        var input = hexBuffer("00000012 10000000 00000001 0002 | 00 00 00 00 00 00 00 00")
        let (header, payload) = try #require(try TTHeader.readFrame(from: &input))
        #expect(header == TTHeader(sequenceID: 1))
        #expect(payload.readableBytes == 0)
    }

    @Test("a partial frame waits for more bytes without consuming any")
    func partial() throws {
        let whole = hexBuffer(Self.t1)
        for cut in 0..<whole.readableBytes {
            var part = whole.getSlice(at: 0, length: cut) ?? ByteBuffer()
            #expect(try TTHeader.readFrame(from: &part) == nil)
            #expect(part.readableBytes == cut)
        }
    }

    @Test("a header size larger than the frame is rejected")
    func headerTooLarge() {
        var input = hexBuffer("0000000e 10000000 00000001 0004 | 00 00 00 00")
        #expect(throws: ThriftTransportError.self) { _ = try TTHeader.readFrame(from: &input) }
    }
}

@Suite("TTHeader templates")
struct TTHeaderTemplateTests {
    @Test("a template stamps the seq id and otherwise writes what the header writes")
    func template() throws {
        let header = TTHeader(sequenceID: 0, intInfo: [.toMethod: "Echo"], stringInfo: ["isn": "EchoService"])
        let template = try TTHeaderTemplate(header)
        var fromTemplate = ByteBuffer()
        let start = template.writeFrameStart(sequenceID: 1, into: &fromTemplate)
        ThriftMessageHeader(name: "Echo", type: .call, sequenceID: 1).write(to: &fromTemplate, protocol: .binary)
        var body = TTHeaderVectorTests.argsBody
        fromTemplate.writeBuffer(&body)
        try start.finish(in: &fromTemplate)
        #expect(hexString(fromTemplate) == hexString(hexBuffer(TTHeaderVectorTests.t1)))
    }
}
