import NIOCore
import SluiceThrift
import Testing

@Suite("Thrift message headers")
struct MessageHeaderTests {
    @Test("Compact header matches the reference's add(1:1,2:1) call")
    func compactGolden() throws {
        var out = ByteBuffer()
        ThriftMessageHeader(name: "add", type: .call, sequenceID: 0).write(to: &out, protocol: .compact)
        #expect(hexString(out) == "82210003616464")
    }

    @Test("Binary header matches the THeader fixture's payload")
    func binaryGolden() {
        var out = ByteBuffer()
        ThriftMessageHeader(name: "add", type: .call, sequenceID: 0).write(to: &out, protocol: .binary)
        #expect(hexString(out) == "800100010000000361646400000000")
    }

    @Test("headers round trip in both protocols", arguments: ThriftProtocolKind.allCases)
    func roundTrip(kind: ThriftProtocolKind) throws {
        for (type, seq) in [(ThriftMessageType.call, Int32(0)), (.reply, 1), (.exception, Int32.max), (.oneway, -1)] {
            let header = ThriftMessageHeader(name: "méthode", type: type, sequenceID: seq)
            var out = ByteBuffer()
            header.write(to: &out, protocol: kind)
            out.writeInteger(UInt8(0))
            #expect(ThriftMessageHeader.detectProtocol(in: out) == kind)
            #expect(try ThriftMessageHeader.read(from: &out, protocol: kind) == header)
            #expect(out.readableBytes == 1)
        }
    }

    @Test("a negative Compact seq id is a 5-byte varint of its bit pattern")
    func compactNegative() {
        var out = ByteBuffer()
        ThriftMessageHeader(name: "", type: .call, sequenceID: -1).write(to: &out, protocol: .compact)
        #expect(hexString(out) == "8221ffffffff0f00")
    }

    @Test("non-strict Binary and truncated headers are rejected without consuming input")
    func rejects() {
        var nonStrict = hexBuffer("00000003 616464 01 00000000")
        #expect(throws: ThriftTransportError.self) { _ = try ThriftMessageHeader.read(from: &nonStrict, protocol: .binary) }
        #expect(nonStrict.readerIndex == 0)
        var truncated = hexBuffer("80010001 00000010 6164")
        #expect(throws: ThriftTransportError.self) { _ = try ThriftMessageHeader.read(from: &truncated, protocol: .binary) }
        var badType = hexBuffer("82 e1 00 00")
        #expect(throws: ThriftTransportError.self) { _ = try ThriftMessageHeader.read(from: &badType, protocol: .compact) }
    }
}
