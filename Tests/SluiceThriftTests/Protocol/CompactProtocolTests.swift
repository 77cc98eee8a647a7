import NIOCore
import SluiceThrift
import Testing

@Suite("Compact protocol")
struct CompactProtocolTests {
    /// thrift-wire.md §3, executed with Apache Thrift: {1:true, 2:false, 3:1.0, 20:i64 -1, 21:list<bool>[t,f],
    /// 5:map<string,i32>{"k":-2}, 6:{} (an empty map)}.
    static let vector = "11 12 17 000000000000f03f 06 28 01 19 21 01 02 0b 0a 01 85 01 6b 03 1b 00 00"

    private func writeVector<W: ThriftProtocolWriter>(_ writer: inout W, deferredSizes: Bool) {
        let mark = writer.writeStructBegin()
        writer.writeFieldBegin(.bool, id: 1)
        writer.writeBool(true)
        writer.writeFieldBegin(.bool, id: 2)
        writer.writeBool(false)
        writer.writeFieldBegin(.double, id: 3)
        writer.writeDouble(1.0)
        writer.writeFieldBegin(.i64, id: 20)
        writer.writeI64(-1)
        writer.writeFieldBegin(.list, id: 21)
        if deferredSizes {
            let list = writer.beginList(.bool)
            writer.writeBool(true)
            writer.writeBool(false)
            writer.endList(list, count: 2)
        } else {
            writer.writeListBegin(.bool, count: 2)
            writer.writeBool(true)
            writer.writeBool(false)
        }
        writer.writeFieldBegin(.map, id: 5)
        if deferredSizes {
            let map = writer.beginMap(key: .string, value: .i32)
            writer.writeString("k")
            writer.writeI32(-2)
            writer.endMap(map, count: 1)
        } else {
            writer.writeMapBegin(key: .string, value: .i32, count: 1)
            writer.writeString("k")
            writer.writeI32(-2)
        }
        writer.writeFieldBegin(.map, id: 6)
        if deferredSizes {
            let empty = writer.beginMap(key: .string, value: .string)
            writer.endMap(empty, count: 0)
        } else {
            writer.writeMapBegin(key: .string, value: .string, count: 0)
        }
        writer.writeStructEnd(mark)
    }

    @Test("writes the executed struct vector byte for byte", arguments: [false, true])
    func writesVector(deferredSizes: Bool) {
        var writer = ThriftCompactWriter(buffer: ByteBuffer())
        writeVector(&writer, deferredSizes: deferredSizes)
        #expect(hex(writer.buffer) == hex(hexBytes(Self.vector)))
    }

    @Test("reads the executed struct vector")
    func readsVector() throws {
        let bytes = hexBytes(Self.vector)
        try bytes.withUnsafeBytes { raw throws in
            var reader = ThriftCompactReader(bytes: raw)
            let mark = reader.readStructBegin()
            var field = try reader.readFieldBegin()
            #expect(field.type == .bool && field.id == 1)
            #expect(try reader.readBool() == true)
            field = try reader.readFieldBegin()
            #expect(field.type == .bool && field.id == 2)
            #expect(try reader.readBool() == false)
            field = try reader.readFieldBegin()
            #expect(field.type == .double && field.id == 3)
            #expect(try reader.readDouble() == 1.0)
            field = try reader.readFieldBegin()
            #expect(field.type == .i64 && field.id == 20)
            #expect(try reader.readI64() == -1)
            field = try reader.readFieldBegin()
            #expect(field.type == .list && field.id == 21)
            let list = try reader.readListBegin()
            #expect(list.element == .bool && list.count == 2)
            #expect(try reader.readBool() == true)
            #expect(try reader.readBool() == false)
            field = try reader.readFieldBegin()
            #expect(field.type == .map && field.id == 5)
            let map = try reader.readMapBegin()
            #expect(map.key == .string && map.value == .i32 && map.count == 1)
            #expect(Array(try reader.readBinary()) == Array("k".utf8))
            #expect(try reader.readI32() == -2)
            field = try reader.readFieldBegin()
            #expect(field.type == .map && field.id == 6)
            #expect(try reader.readMapBegin().count == 0)
            #expect(try reader.readFieldBegin().type == .stop)
            reader.readStructEnd(mark)
            #expect(reader.offset == bytes.count)
        }
    }

    @Test("uses zigzag varints for i16, i32 and i64")
    func zigzag() throws {
        var writer = ThriftCompactWriter(buffer: ByteBuffer())
        writer.writeI32(0)
        writer.writeI32(-1)
        writer.writeI32(1)
        writer.writeI32(-64)
        writer.writeI32(64)
        writer.writeI16(.min)
        writer.writeI32(.max)
        writer.writeI64(.min)
        writer.writeI8(-1)
        #expect(hex(writer.buffer) == "00" + "01" + "02" + "7f" + "8001" + "ffff03" + "feffffff0f" + "ffffffffffffffffff01" + "ff")
        let bytes = Array(writer.buffer.readableBytesView)
        try bytes.withUnsafeBytes { raw throws in
            var reader = ThriftCompactReader(bytes: raw)
            #expect(try reader.readI32() == 0)
            #expect(try reader.readI32() == -1)
            #expect(try reader.readI32() == 1)
            #expect(try reader.readI32() == -64)
            #expect(try reader.readI32() == 64)
            #expect(try reader.readI16() == .min)
            #expect(try reader.readI32() == .max)
            #expect(try reader.readI64() == .min)
            #expect(try reader.readI8() == -1)
        }
    }

    @Test("writes long field-id jumps and negative ids in the long form")
    func fieldHeaders() throws {
        var writer = ThriftCompactWriter(buffer: ByteBuffer())
        let mark = writer.writeStructBegin()
        writer.writeFieldBegin(.i32, id: 15)  // delta 15: short
        writer.writeI32(0)
        writer.writeFieldBegin(.i32, id: 31)  // delta 16: long
        writer.writeI32(0)
        writer.writeFieldBegin(.i32, id: -1)  // negative: long
        writer.writeI32(0)
        writer.writeFieldBegin(.structure, id: 1)  // delta 2 from -1: short
        let inner = writer.writeStructBegin()
        writer.writeFieldBegin(.i32, id: 1)  // starts again from 0 inside
        writer.writeI32(0)
        writer.writeStructEnd(inner)
        writer.writeFieldBegin(.i32, id: 2)  // delta from the outer 1 again
        writer.writeI32(0)
        writer.writeStructEnd(mark)
        #expect(hex(writer.buffer) == "f500" + "053e00" + "050100" + "2c" + "1500" + "00" + "1500" + "00")
    }

    @Test("switches to the long list header past 14 elements, also when sizes are deferred")
    func longLists() throws {
        for count in [14, 15, 200] {
            var known = ThriftCompactWriter(buffer: ByteBuffer())
            known.writeListBegin(.i32, count: count)
            for value in 0..<count { known.writeI32(Int32(value)) }
            var deferred = ThriftCompactWriter(buffer: ByteBuffer())
            let mark = deferred.beginList(.i32)
            for value in 0..<count { deferred.writeI32(Int32(value)) }
            deferred.endList(mark, count: count)
            #expect(hex(known.buffer) == hex(deferred.buffer))
            #expect(known.buffer.getInteger(at: 0, as: UInt8.self) == (count <= 14 ? UInt8(count << 4 | 5) : 0xF5))
        }
    }

    @Test("writes empty maps as one byte and large maps with a long size, also when deferred")
    func mapHeaders() throws {
        for count in [0, 1, 127, 128, 300] {
            var known = ThriftCompactWriter(buffer: ByteBuffer())
            known.writeMapBegin(key: .i32, value: .bool, count: count)
            for value in 0..<count {
                known.writeI32(Int32(value))
                known.writeBool(value % 2 == 0)
            }
            var deferred = ThriftCompactWriter(buffer: ByteBuffer())
            let mark = deferred.beginMap(key: .i32, value: .bool)
            for value in 0..<count {
                deferred.writeI32(Int32(value))
                deferred.writeBool(value % 2 == 0)
            }
            deferred.endMap(mark, count: count)
            #expect(hex(known.buffer) == hex(deferred.buffer))
            if count == 0 { #expect(hex(known.buffer) == "00") }
        }
    }

    @Test("writes doubles little-endian and uuids raw")
    func doublesAndUUIDs() {
        var writer = ThriftCompactWriter(buffer: ByteBuffer())
        writer.writeDouble(1.0)
        let uuid = (0..<16).map { UInt8($0) }
        uuid.withUnsafeBytes { writer.writeUUID($0) }
        #expect(hex(writer.buffer) == "000000000000f03f" + hex(uuid))
    }
}

@Suite("Compact bool fields")
struct CompactBoolFieldTests {
    @Test("a bool field beyond a delta of 15 carries its value in the type nibble of the long form")
    func longFormBool() throws {
        var writer = ThriftCompactWriter(buffer: ByteBuffer())
        let mark = writer.writeStructBegin()
        writer.writeFieldBegin(.bool, id: 100)
        writer.writeBool(true)
        writer.writeFieldBegin(.bool, id: 101)
        writer.writeBool(false)
        writer.writeStructEnd(mark)
        #expect(hex(writer.buffer) == "01c801" + "12" + "00")
        let bytes = Array(writer.buffer.readableBytesView)
        try bytes.withUnsafeBytes { raw throws in
            var reader = ThriftCompactReader(bytes: raw)
            _ = reader.readStructBegin()
            var field = try reader.readFieldBegin()
            #expect(field.id == 100 && field.type == .bool)
            #expect(try reader.readBool())
            field = try reader.readFieldBegin()
            #expect(field.id == 101 && field.type == .bool)
            #expect(try !reader.readBool())
            #expect(try reader.readFieldBegin().type == .stop)
        }
    }
}
