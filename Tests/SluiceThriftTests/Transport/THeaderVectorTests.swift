import NIOCore
import SluiceThrift
import Testing

/// THeader fixtures from thrift-wire.md §2.2 (Apache's node test fixture and Python-executed frames).
@Suite("THeader fixtures")
struct THeaderVectorTests {
    static let fixture = """
        00000048 0fff 0000 00000000 0008 | 00 00 01 02 06 506172656e74 07 73686f6f626172 05 5472616365 05 6162636465 00
        | 80010001 00000003 616464 00000000 08 0001 00000001 08 0002 00000001 00
        """
    static let addPayload = "80010001 00000003 616464 00000000 08 0001 00000001 08 0002 00000001 00"
    static let compact = "0000001a 0fff 0000 00000005 0001 | 02 00 0000 | 82 21 05 03 616464 15 02 15 02 00"
    static let zlib = """
        0000002d 0fff 0000 00000000 0001 | 00 01 01 00 | 789c6b606460646060604e4c4901520c1c601e230703138862000028d101c4
        """

    @Test("Apache's golden fixture decodes to its info and the add call")
    func decodeFixture() throws {
        var input = hexBuffer(Self.fixture)
        let (header, payload) = try #require(try THeader.readFrame(from: &input))
        #expect(header.info == ["Parent": "shoobar", "Trace": "abcde"])
        #expect(header.protocolKind == .binary)
        #expect(header.transforms.isEmpty)
        var message = payload
        #expect(try ThriftMessageHeader.read(from: &message, protocol: .binary).name == "add")
        #expect(hexString(payload) == hexString(hexBuffer(Self.addPayload)))
    }

    @Test("the fixture encodes byte for byte")
    func encodeFixture() throws {
        var out = ByteBuffer()
        try THeader(sequenceID: 0, info: ["Parent": "shoobar", "Trace": "abcde"])
            .encodeFrame(payload: hexBuffer(Self.addPayload), into: &out)
        #expect(hexString(out) == hexString(hexBuffer(Self.fixture)))
    }

    @Test("a Compact payload with seq 5 encodes byte for byte and decodes")
    func compactFrame() throws {
        var payload = ByteBuffer()
        ThriftMessageHeader(name: "add", type: .call, sequenceID: 5).write(to: &payload, protocol: .compact)
        payload.writeBytes([0x15, 0x02, 0x15, 0x02, 0x00])
        var out = ByteBuffer()
        try THeader(sequenceID: 5, protocolKind: .compact).encodeFrame(payload: payload, into: &out)
        #expect(hexString(out) == hexString(hexBuffer(Self.compact)))

        var input = out
        let (header, decoded) = try #require(try THeader.readFrame(from: &input))
        #expect(header.protocolKind == .compact)
        #expect(header.sequenceID == 5)
        #expect(decoded == payload)
    }

    @Test("a ZLIB payload is inflated on read")
    func inflate() throws {
        var input = hexBuffer(Self.zlib)
        let (header, payload) = try #require(try THeader.readFrame(from: &input))
        #expect(header.transforms == [.zlib])
        #expect(hexString(payload) == "800100010000000361646400000000080001000000010800020000000100")
    }

    @Test("ZLIB round trips through deflate and inflate")
    func deflateRoundTrip() throws {
        var payload = ByteBuffer()
        ThriftMessageHeader(name: "echo", type: .reply, sequenceID: 42).write(to: &payload, protocol: .binary)
        payload.writeRepeatingByte(0x61, count: 5000)
        var out = ByteBuffer()
        try THeader(sequenceID: 42, transforms: [.zlib]).encodeFrame(payload: payload, into: &out)
        #expect(out.readableBytes < 200)
        var input = out
        let (header, decoded) = try #require(try THeader.readFrame(from: &input))
        #expect(header.transforms == [.zlib])
        #expect(decoded == payload)
    }

    @Test("C++'s extra 4 padding bytes on an aligned header are accepted")
    func cppPadding() throws {
        var out = ByteBuffer()
        // Header section `00 00 01 01 00 00` + 2 → aligned at 8 with info; force an aligned case:
        // proto 0, 0 transforms, info {"a":"b"}: 00 00 01 01 01 61 01 62 = 8 bytes, C++ adds 4 more.
        let header = THeader(sequenceID: 3, info: ["a": "b"], padding: .alwaysSome)
        try header.encodeFrame(payload: hexBuffer(Self.addPayload), into: &out)
        #expect(out.getInteger(at: 12, as: UInt16.self) == 3)
        var input = out
        let (decoded, payload) = try #require(try THeader.readFrame(from: &input))
        #expect(decoded.info == ["a": "b"])
        #expect(hexString(payload) == hexString(hexBuffer(Self.addPayload)))
    }

    @Test("a truncated zlib stream is an error")
    func truncatedZlib() {
        var input = hexBuffer("00000016 0fff 0000 00000000 0001 | 00 01 01 00 | 789c6b606460646060")
        #expect(throws: ThriftTransportError.self) { _ = try THeader.readFrame(from: &input) }
    }

    @Test("an unknown protocol id is rejected")
    func unknownProtocol() {
        var input = hexBuffer("0000000e 0fff 0000 00000000 0001 | 05 00 0000")
        #expect(throws: ThriftTransportError.self) { _ = try THeader.readFrame(from: &input) }
    }
}
