import NIOCore

/// Strict Binary protocol values (big-endian, `type:i8 id:i16` field headers).
public struct ThriftBinaryWriter: ThriftProtocolWriter, Sendable {
    public var buffer: ByteBuffer

    public init(buffer: ByteBuffer) { self.buffer = buffer }

    public static var protocolKind: ThriftProtocolKind { .binary }

    @inlinable public mutating func writeStructBegin() -> ThriftStructMark { ThriftStructMark(lastFieldID: 0) }
    @inlinable public mutating func writeStructEnd(_ mark: ThriftStructMark) { buffer.writeInteger(UInt8(0)) }

    @inlinable
    public mutating func writeFieldBegin(_ type: WireType, id: Int16) {
        buffer.writeMultipleIntegers(type.rawValue, id)
    }

    @inlinable public mutating func writeBool(_ value: Bool) { buffer.writeInteger(UInt8(value ? 1 : 0)) }
    @inlinable public mutating func writeI8(_ value: Int8) { buffer.writeInteger(value) }
    @inlinable public mutating func writeI16(_ value: Int16) { buffer.writeInteger(value) }
    @inlinable public mutating func writeI32(_ value: Int32) { buffer.writeInteger(value) }
    @inlinable public mutating func writeI64(_ value: Int64) { buffer.writeInteger(value) }
    @inlinable public mutating func writeDouble(_ value: Double) { buffer.writeInteger(value.bitPattern) }

    @inlinable
    public mutating func writeBinary(_ bytes: UnsafeRawBufferPointer) {
        buffer.writeInteger(Int32(truncatingIfNeeded: bytes.count))
        buffer.writeBytes(bytes)
    }

    @inlinable
    public mutating func writeBinaryLength(_ count: Int) { buffer.writeInteger(Int32(truncatingIfNeeded: count)) }

    @inlinable public mutating func writeUUID(_ bytes: UnsafeRawBufferPointer) { buffer.writeBytes(bytes) }

    @inlinable
    public mutating func withBuffer<T, E: Error>(_ body: (inout ByteBuffer) throws(E) -> T) throws(E) -> T {
        try body(&buffer)
    }

    @inlinable
    public mutating func writeListBegin(_ element: WireType, count: Int) {
        buffer.writeMultipleIntegers(element.rawValue, Int32(truncatingIfNeeded: count))
    }

    @inlinable
    public mutating func writeMapBegin(key: WireType, value: WireType, count: Int) {
        buffer.writeMultipleIntegers(key.rawValue, value.rawValue, Int32(truncatingIfNeeded: count))
    }

    @inlinable
    public mutating func beginList(_ element: WireType) -> ThriftContainerMark {
        buffer.writeMultipleIntegers(element.rawValue, Int32(0))
        return ThriftContainerMark(headerIndex: buffer.writerIndex - 4, types: 0)
    }

    @inlinable
    public mutating func endList(_ mark: ThriftContainerMark, count: Int) {
        buffer.setInteger(Int32(truncatingIfNeeded: count), at: mark.headerIndex)
    }

    @inlinable
    public mutating func beginMap(key: WireType, value: WireType) -> ThriftContainerMark {
        buffer.writeMultipleIntegers(key.rawValue, value.rawValue, Int32(0))
        return ThriftContainerMark(headerIndex: buffer.writerIndex - 4, types: 0)
    }

    @inlinable
    public mutating func endMap(_ mark: ThriftContainerMark, count: Int) {
        buffer.setInteger(Int32(truncatingIfNeeded: count), at: mark.headerIndex)
    }
}
