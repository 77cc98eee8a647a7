import NIOCore
import SluiceThrift
import Testing

@Suite("Binary protocol")
struct BinaryProtocolTests {
    @Test("writes the add(1:1, 2:1) argument struct of the THeader fixture")
    func writesArgs() {
        var writer = ThriftBinaryWriter(buffer: ByteBuffer())
        let mark = writer.writeStructBegin()
        writer.writeFieldBegin(.i32, id: 1)
        writer.writeI32(1)
        writer.writeFieldBegin(.i32, id: 2)
        writer.writeI32(1)
        writer.writeStructEnd(mark)
        #expect(hex(writer.buffer) == hex(hexBytes("08 0001 00000001 08 0002 00000001 00")))
    }

    @Test("writes every type big-endian")
    func everyType() throws {
        var writer = ThriftBinaryWriter(buffer: ByteBuffer())
        writer.writeBool(true)
        writer.writeI8(-1)
        writer.writeI16(-2)
        writer.writeI32(-3)
        writer.writeI64(-4)
        writer.writeDouble(1.0)
        writer.writeString("hi")
        writer.writeListBegin(.string, count: 2)
        writer.writeMapBegin(key: .i32, value: .structure, count: 3)
        let list = writer.beginList(.i64)
        writer.writeI64(7)
        writer.endList(list, count: 1)
        let uuid = (0..<16).map { UInt8($0) }
        uuid.withUnsafeBytes { writer.writeUUID($0) }
        let expected =
            "01" + "ff" + "fffe" + "fffffffd" + "fffffffffffffffc" + "3ff0000000000000" + "00000002" + "6869"
            + "0b00000002" + "080c00000003" + "0a00000001" + "0000000000000007" + hex(uuid)
        #expect(hex(writer.buffer) == expected)

        let bytes = Array(writer.buffer.readableBytesView)
        try bytes.withUnsafeBytes { raw throws in
            var reader = ThriftBinaryReader(bytes: raw)
            #expect(try reader.readBool())
            #expect(try reader.readI8() == -1)
            #expect(try reader.readI16() == -2)
            #expect(try reader.readI32() == -3)
            #expect(try reader.readI64() == -4)
            #expect(try reader.readDouble() == 1.0)
            #expect(Array(try reader.readBinary()) == Array("hi".utf8))
            let header = try reader.readListBegin()
            #expect(header.element == .string && header.count == 2)
            let map = try reader.readMapBegin()
            #expect(map.key == .i32 && map.value == .structure && map.count == 3)
            #expect(try reader.readListBegin().count == 1)
            #expect(try reader.readI64() == 7)
            #expect(Array(try reader.readUUID()) == uuid)
            #expect(reader.offset == bytes.count)
        }
    }

    @Test("reports truncation, negative sizes and bad type codes with offsets")
    func readErrors() throws {
        func error(_ text: String, _ body: (inout ThriftBinaryReader) throws(ThriftProtocolError) -> Void) -> ThriftProtocolError? {
            hexBytes(text).withUnsafeBytes { raw -> ThriftProtocolError? in
                var reader = ThriftBinaryReader(bytes: raw, maxSize: 100)
                do throws(ThriftProtocolError) {
                    try body(&reader)
                    return nil
                } catch {
                    return error
                }
            }
        }
        #expect(error("0000") { r throws(ThriftProtocolError) in _ = try r.readI32() }?.kind == .truncated)
        #expect(error("00000005 6869") { r throws(ThriftProtocolError) in _ = try r.readBinary() }?.kind == .truncated)
        #expect(error("ffffffff") { r throws(ThriftProtocolError) in _ = try r.readBinary() }?.kind == .negativeSize)
        #expect(error("000000ff") { r throws(ThriftProtocolError) in _ = try r.readBinary() }?.kind == .tooLarge)
        let badType = error("07 0001") { r throws(ThriftProtocolError) in _ = try r.readFieldBegin() }
        #expect(badType?.kind == .invalidType)
        #expect(badType?.offset == 0)
        #expect(error("08 7fffffff") { r throws(ThriftProtocolError) in _ = try r.readListBegin() }?.kind == .tooLarge)
    }
}
