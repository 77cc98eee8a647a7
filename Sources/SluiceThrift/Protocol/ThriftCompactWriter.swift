import NIOCore
import SluiceJSON

/// Compact protocol values: zigzag varints, field-id deltas, bools in the field header, little-endian doubles.
public struct ThriftCompactWriter: ThriftProtocolWriter, Sendable {
    public var buffer: ByteBuffer
    /// The last field id written in the current struct (deltas are taken from it).
    @usableFromInline var lastFieldID: Int16 = 0
    /// A bool field whose header waits for its value.
    @usableFromInline var pendingBoolField: Int16? = nil

    public init(buffer: ByteBuffer) { self.buffer = buffer }

    public static var protocolKind: ThriftProtocolKind { .compact }

    public mutating func writeStructBegin() -> ThriftStructMark {
        let mark = ThriftStructMark(lastFieldID: lastFieldID)
        lastFieldID = 0
        return mark
    }

    public mutating func writeStructEnd(_ mark: ThriftStructMark) {
        buffer.appendByte(0)
        lastFieldID = mark.lastFieldID
    }

    public mutating func writeFieldBegin(_ type: WireType, id: Int16) {
        if type == .bool {
            pendingBoolField = id
            return
        }
        writeFieldHeader(CompactType.nibble(type), id: id)
    }

    private mutating func writeFieldHeader(_ nibble: UInt8, id: Int16) {
        let delta = Int(id) - Int(lastFieldID)
        if delta > 0 && delta <= 15 {
            buffer.appendByte(UInt8(delta << 4) | nibble)
        } else {
            let id = zigzag(Int64(id))
            buffer.appendRaw(capacity: 11) { output in
                output.storeBytes(of: nibble, as: UInt8.self)
                return 1 + Self.storeVarint(id, to: output + 1)
            }
        }
        lastFieldID = id
    }

    public mutating func writeBool(_ value: Bool) {
        let nibble = value ? CompactType.boolTrue : CompactType.boolFalse
        if let id = pendingBoolField {
            pendingBoolField = nil
            writeFieldHeader(nibble, id: id)
        } else {
            buffer.appendByte(nibble)
        }
    }

    public mutating func writeI8(_ value: Int8) { buffer.appendByte(UInt8(bitPattern: value)) }
    public mutating func writeI16(_ value: Int16) { writeVarint(zigzag(Int64(value))) }
    public mutating func writeI32(_ value: Int32) { writeVarint(zigzag(Int64(value))) }
    public mutating func writeI64(_ value: Int64) { writeVarint(zigzag(value)) }
    public mutating func writeDouble(_ value: Double) {
        buffer.appendRaw(capacity: 8) { output in
            output.storeBytes(of: value.bitPattern.littleEndian, as: UInt64.self)
            return 8
        }
    }

    public mutating func writeBinary(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        buffer.appendRaw(capacity: 10 + count) { output in
            let prefix = Self.storeVarint(UInt64(count), to: output)
            if let source = bytes.baseAddress { (output + prefix).copySmall(from: source, count: count) }
            return prefix + count
        }
    }

    public mutating func writeBinaryLength(_ count: Int) { writeVarint(UInt64(count)) }

    public mutating func writeUUID(_ bytes: UnsafeRawBufferPointer) { buffer.appendBytes(bytes) }

    @inlinable
    public mutating func withBuffer<T, E: Error>(_ body: (inout ByteBuffer) throws(E) -> T) throws(E) -> T {
        try body(&buffer)
    }

    public mutating func writeListBegin(_ element: WireType, count: Int) {
        let nibble = CompactType.nibble(element)
        if count <= 14 {
            buffer.appendByte(UInt8(count << 4) | nibble)
        } else {
            buffer.appendByte(0xF0 | nibble)
            writeVarint(UInt64(count))
        }
    }

    public mutating func writeMapBegin(key: WireType, value: WireType, count: Int) {
        if count == 0 {
            buffer.appendByte(0)
            return
        }
        writeVarint(UInt64(count))
        buffer.appendByte(CompactType.nibble(key) << 4 | CompactType.nibble(value))
    }

    public mutating func beginList(_ element: WireType) -> ThriftContainerMark {
        let index = buffer.writerIndex
        buffer.appendByte(0)
        return ThriftContainerMark(headerIndex: index, types: CompactType.nibble(element))
    }

    public mutating func endList(_ mark: ThriftContainerMark, count: Int) {
        if count <= 14 {
            setByte(UInt8(count << 4) | mark.types, at: mark.headerIndex)
            return
        }
        // One byte was reserved; the long form needs the size varint after it.
        let sizeLength = Self.varintLength(UInt64(count))
        buffer.insertGap(at: mark.headerIndex + 1, count: sizeLength)
        setByte(0xF0 | mark.types, at: mark.headerIndex)
        setVarint(UInt64(count), at: mark.headerIndex + 1)
    }

    public mutating func beginMap(key: WireType, value: WireType) -> ThriftContainerMark {
        let index = buffer.writerIndex
        buffer.appendRaw(capacity: 2) { output in
            output.storeBytes(of: UInt16(0), as: UInt16.self)
            return 2
        }
        return ThriftContainerMark(
            headerIndex: index, types: CompactType.nibble(key) << 4 | CompactType.nibble(value))
    }

    public mutating func endMap(_ mark: ThriftContainerMark, count: Int) {
        if count == 0 {
            // An empty map is the single byte 0 with no types; nothing was written after the header.
            buffer.moveWriterIndex(to: mark.headerIndex)
            buffer.appendByte(0)
            return
        }
        // Two bytes were reserved: a one-byte size (< 128) and the types.
        let sizeLength = Self.varintLength(UInt64(count))
        if sizeLength > 1 {
            buffer.insertGap(at: mark.headerIndex + 2, count: sizeLength - 1)
        }
        setVarint(UInt64(count), at: mark.headerIndex)
        setByte(mark.types, at: mark.headerIndex + sizeLength)
    }

    @inline(__always)
    func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    mutating func writeVarint(_ value: UInt64) {
        buffer.appendRaw(capacity: 10) { output in Self.storeVarint(value, to: output) }
    }

    /// Stores `value` as a varint at `output` (room for 10 bytes); returns its length.
    @inline(__always)
    static func storeVarint(_ value: UInt64, to output: UnsafeMutableRawPointer) -> Int {
        var value = value
        var index = 0
        while value >= 0x80 {
            output.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, toByteOffset: index, as: UInt8.self)
            value >>= 7
            index += 1
        }
        output.storeBytes(of: UInt8(value), toByteOffset: index, as: UInt8.self)
        return index + 1
    }

    private mutating func setVarint(_ value: UInt64, at index: Int) {
        var value = value
        var index = index
        while value >= 0x80 {
            setByte(UInt8(truncatingIfNeeded: value) | 0x80, at: index)
            value >>= 7
            index += 1
        }
        setByte(UInt8(value), at: index)
    }

    static func varintLength(_ value: UInt64) -> Int {
        var length = 1
        var value = value >> 7
        while value > 0 {
            length += 1
            value >>= 7
        }
        return length
    }

    /// Overwrites one byte already written (a reserved container header).
    @inline(__always)
    private mutating func setByte(_ byte: UInt8, at index: Int) {
        let offset = index - buffer.readerIndex
        buffer.withUnsafeMutableReadableBytes { bytes in bytes[offset] = byte }
    }

    public mutating func writeIntegerField(_ type: WireType, id: Int16, value: Int64) {
        let header = fieldHeader(CompactType.nibble(type), id: id)
        let encoded = zigzag(value)
        buffer.appendRaw(capacity: 21) { output in
            let written = Self.storeFieldHeader(header, to: output)
            if type == .i8 {
                output.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: written, as: UInt8.self)
                return written + 1
            }
            return written + Self.storeVarint(encoded, to: output + written)
        }
    }

    public mutating func writeDoubleField(id: Int16, value: Double) {
        let header = fieldHeader(CompactType.nibble(.double), id: id)
        buffer.appendRaw(capacity: 19) { output in
            let written = Self.storeFieldHeader(header, to: output)
            output.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: written, as: UInt64.self)
            return written + 8
        }
    }

    public mutating func writeBinaryField(id: Int16, bytes: UnsafeRawBufferPointer) {
        let header = fieldHeader(CompactType.nibble(.string), id: id)
        let count = bytes.count
        buffer.appendRaw(capacity: 21 + count) { output in
            var written = Self.storeFieldHeader(header, to: output)
            written += Self.storeVarint(UInt64(count), to: output + written)
            if let source = bytes.baseAddress { (output + written).copySmall(from: source, count: count) }
            return written + count
        }
    }

    /// A field header to store: the short form's one byte, or the long form's nibble and zigzag id.
    struct FieldHeader {
        let byte: UInt8
        let longID: UInt64?
    }

    /// Computes the header of field `id` and makes it the last field written.
    private mutating func fieldHeader(_ nibble: UInt8, id: Int16) -> FieldHeader {
        let delta = Int(id) - Int(lastFieldID)
        lastFieldID = id
        if delta > 0 && delta <= 15 {
            return FieldHeader(byte: UInt8(delta << 4) | nibble, longID: nil)
        }
        return FieldHeader(byte: nibble, longID: zigzag(Int64(id)))
    }

    @inline(__always)
    private static func storeFieldHeader(_ header: FieldHeader, to output: UnsafeMutableRawPointer) -> Int {
        output.storeBytes(of: header.byte, as: UInt8.self)
        guard let id = header.longID else { return 1 }
        return 1 + storeVarint(id, to: output + 1)
    }
}
