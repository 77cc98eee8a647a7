import NIOCore
import SluiceJSON

/// Strict Binary protocol values (big-endian, `type:i8 id:i16` field headers).
public struct ThriftBinaryWriter: ThriftProtocolWriter, Sendable {
    public var buffer: ByteBuffer

    public init(buffer: ByteBuffer) { self.buffer = buffer }

    public static var protocolKind: ThriftProtocolKind { .binary }

    @inlinable public mutating func writeStructBegin() -> ThriftStructMark { ThriftStructMark(lastFieldID: 0) }
    @inlinable public mutating func writeStructEnd(_ mark: ThriftStructMark) { buffer.appendByte(0) }

    @inlinable
    public mutating func writeFieldBegin(_ type: WireType, id: Int16) {
        buffer.appendRaw(capacity: 3) { output in
            output.storeBytes(of: type.rawValue, as: UInt8.self)
            output.storeBytes(of: UInt16(bitPattern: id).bigEndian, toByteOffset: 1, as: UInt16.self)
            return 3
        }
    }

    @inlinable public mutating func writeBool(_ value: Bool) { buffer.appendByte(value ? 1 : 0) }
    @inlinable public mutating func writeI8(_ value: Int8) { buffer.appendByte(UInt8(bitPattern: value)) }
    @inlinable public mutating func writeI16(_ value: Int16) { appendBigEndian(value) }
    @inlinable public mutating func writeI32(_ value: Int32) { appendBigEndian(value) }
    @inlinable public mutating func writeI64(_ value: Int64) { appendBigEndian(value) }
    @inlinable public mutating func writeDouble(_ value: Double) { appendBigEndian(value.bitPattern) }

    @inlinable
    public mutating func writeBinary(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        buffer.appendRaw(capacity: 4 + count) { output in
            output.storeBytes(of: UInt32(truncatingIfNeeded: count).bigEndian, as: UInt32.self)
            if let source = bytes.baseAddress { (output + 4).copySmall(from: source, count: count) }
            return 4 + count
        }
    }

    @inlinable
    public mutating func writeBinaryLength(_ count: Int) { appendBigEndian(Int32(truncatingIfNeeded: count)) }

    @inlinable public mutating func writeUUID(_ bytes: UnsafeRawBufferPointer) { buffer.appendBytes(bytes) }

    @inlinable
    public mutating func withBuffer<T, E: Error>(_ body: (inout ByteBuffer) throws(E) -> T) throws(E) -> T {
        try body(&buffer)
    }

    @inlinable
    public mutating func writeListBegin(_ element: WireType, count: Int) {
        appendHeader(element.rawValue, nil, count: count)
    }

    @inlinable
    public mutating func writeMapBegin(key: WireType, value: WireType, count: Int) {
        appendHeader(key.rawValue, value.rawValue, count: count)
    }

    @inlinable
    public mutating func beginList(_ element: WireType) -> ThriftContainerMark {
        appendHeader(element.rawValue, nil, count: 0)
        return ThriftContainerMark(headerIndex: buffer.writerIndex - 4, types: 0)
    }

    @inlinable
    public mutating func endList(_ mark: ThriftContainerMark, count: Int) {
        setSize(count, at: mark.headerIndex)
    }

    @inlinable
    public mutating func beginMap(key: WireType, value: WireType) -> ThriftContainerMark {
        appendHeader(key.rawValue, value.rawValue, count: 0)
        return ThriftContainerMark(headerIndex: buffer.writerIndex - 4, types: 0)
    }

    @inlinable
    public mutating func endMap(_ mark: ThriftContainerMark, count: Int) {
        setSize(count, at: mark.headerIndex)
    }

    @inlinable @inline(__always)
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        buffer.appendRaw(capacity: MemoryLayout<T>.size) { output in
            output.storeBytes(of: value.bigEndian, as: T.self)
            return MemoryLayout<T>.size
        }
    }

    /// Type byte(s) and a 4-byte size.
    @inlinable @inline(__always)
    mutating func appendHeader(_ first: UInt8, _ second: UInt8?, count: Int) {
        buffer.appendRaw(capacity: 6) { output in
            var written = 0
            output.put(first, &written)
            if let second { output.put(second, &written) }
            output.storeBytes(of: UInt32(truncatingIfNeeded: count).bigEndian, toByteOffset: written, as: UInt32.self)
            return written + 4
        }
    }

    /// Fills in a size reserved by ``beginList(_:)`` or ``beginMap(key:value:)``.
    @inlinable @inline(__always)
    mutating func setSize(_ count: Int, at index: Int) {
        let offset = index - buffer.readerIndex
        buffer.withUnsafeMutableReadableBytes { bytes in
            bytes.storeBytes(of: UInt32(truncatingIfNeeded: count).bigEndian, toByteOffset: offset, as: UInt32.self)
        }
    }

    @inlinable
    public mutating func writeIntegerField(_ type: WireType, id: Int16, value: Int64) {
        buffer.appendRaw(capacity: 11) { output in
            output.storeBytes(of: type.rawValue, as: UInt8.self)
            output.storeBytes(of: UInt16(bitPattern: id).bigEndian, toByteOffset: 1, as: UInt16.self)
            switch type {
            case .i8:
                output.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: 3, as: UInt8.self)
                return 4
            case .i16:
                output.storeBytes(of: UInt16(truncatingIfNeeded: value).bigEndian, toByteOffset: 3, as: UInt16.self)
                return 5
            case .i32:
                output.storeBytes(of: UInt32(truncatingIfNeeded: value).bigEndian, toByteOffset: 3, as: UInt32.self)
                return 7
            default:
                output.storeBytes(of: UInt64(bitPattern: value).bigEndian, toByteOffset: 3, as: UInt64.self)
                return 11
            }
        }
    }

    @inlinable
    public mutating func writeDoubleField(id: Int16, value: Double) {
        buffer.appendRaw(capacity: 11) { output in
            output.storeBytes(of: WireType.double.rawValue, as: UInt8.self)
            output.storeBytes(of: UInt16(bitPattern: id).bigEndian, toByteOffset: 1, as: UInt16.self)
            output.storeBytes(of: value.bitPattern.bigEndian, toByteOffset: 3, as: UInt64.self)
            return 11
        }
    }

    @inlinable
    public mutating func writeBinaryField(id: Int16, bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        buffer.appendRaw(capacity: 7 + count) { output in
            output.storeBytes(of: WireType.string.rawValue, as: UInt8.self)
            output.storeBytes(of: UInt16(bitPattern: id).bigEndian, toByteOffset: 1, as: UInt16.self)
            output.storeBytes(of: UInt32(truncatingIfNeeded: count).bigEndian, toByteOffset: 3, as: UInt32.self)
            if let source = bytes.baseAddress { (output + 7).copySmall(from: source, count: count) }
            return 7 + count
        }
    }
}
