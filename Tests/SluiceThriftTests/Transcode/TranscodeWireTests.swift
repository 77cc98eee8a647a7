import NIOCore
import SluiceJSON
import SluiceThrift
import Testing

@Suite("Transcode wire bytes")
struct TranscodeWireTests {
    @Test("JSON becomes the executed Compact struct vector byte for byte")
    func compactVector() throws {
        let json = #"{"t":true,"f":false,"d":1.0,"l":-1,"bools":[true,false],"m":{"k":-2},"empty":{}}"#
        let bytes = try encode(json, TestSchema.compactVector, .compact)
        #expect(hex(bytes) == hex(hexBytes(CompactProtocolTests.vector)))
        #expect(try decode(bytes, TestSchema.compactVector, .compact) == json)
    }

    @Test("JSON becomes the Binary and Compact bytes Thrift writes")
    func itemBytes() throws {
        let json = #"{"id":1,"name":"a"}"#
        #expect(hex(try encode(json, TestSchema.item, .binary)) == "08000100000001" + "0b00020000000161" + "00")
        #expect(hex(try encode(json, TestSchema.item, .compact)) == "1502" + "180161" + "00")
    }

    @Test("nested structs restart Compact field deltas and restore the outer ones")
    func compactNesting() throws {
        // items (4) holds structs whose ids start again from 0; limit (5) is a delta of 1 from items.
        let json = #"{"name":"n","items":[{"id":1,"name":"a"}],"limit":3}"#
        let bytes = try encode(json, TestSchema.request, .compact)
        #expect(hex(bytes) == "18016e" + "39" + "1c" + "1502" + "180161" + "00" + "1506" + "00")
    }

    @Test("arguments are the _args struct body with no message header")
    func arguments() throws {
        let body = ByteBuffer(string: #"{"req":{"name":"x","limit":1},"page":2}"#)
        let bytes = try encodeArguments(CallInput(body: body), .binary)
        #expect(
            hex(bytes)
                == "0c0001" + "0b0001000000017" + "8" + "080005" + "00000001" + "00" + "080002" + "00000002" + "00")
    }

    @Test("fields unknown to the descriptor, or of another wire type, are skipped on decode", arguments: ThriftProtocolKind.allCases)
    func skipsUnknown(_ kind: ThriftProtocolKind) throws {
        var writer: any ThriftProtocolWriter = kind == .binary ? ThriftBinaryWriter(buffer: ByteBuffer()) : ThriftCompactWriter(buffer: ByteBuffer())
        let mark = writer.writeStructBegin()
        writer.writeFieldBegin(.structure, id: 9)  // unknown id
        let inner = writer.writeStructBegin()
        writer.writeFieldBegin(.list, id: 1)
        writer.writeListBegin(.string, count: 1)
        writer.writeString("skip me")
        writer.writeStructEnd(inner)
        writer.writeFieldBegin(.string, id: 1)  // id declared as i32
        writer.writeString("wrong type")
        writer.writeFieldBegin(.string, id: 2)
        writer.writeString("kept")
        writer.writeStructEnd(mark)
        #expect(try decode(writer.buffer, TestSchema.item, kind) == #"{"name":"kept"}"#)
    }
}
