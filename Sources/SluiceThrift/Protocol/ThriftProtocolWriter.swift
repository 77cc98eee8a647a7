import NIOCore

/// Writes Thrift values in one protocol, appending to ``buffer``.
///
/// The transcoder is generic over this so each protocol gets its own specialised copy of the hot loop.
/// Struct nesting state (Compact's last field id) is handed back to the caller as a ``ThriftStructMark``
/// and kept on the Swift stack, so nesting needs no heap.
public protocol ThriftProtocolWriter {
    var buffer: ByteBuffer { get set }
    init(buffer: ByteBuffer)
    static var protocolKind: ThriftProtocolKind { get }

    mutating func writeStructBegin() -> ThriftStructMark
    /// Writes STOP and restores the enclosing struct's state.
    mutating func writeStructEnd(_ mark: ThriftStructMark)
    /// For `.bool`, Compact defers the header to the following ``writeBool(_:)``.
    mutating func writeFieldBegin(_ type: WireType, id: Int16)

    mutating func writeBool(_ value: Bool)
    mutating func writeI8(_ value: Int8)
    mutating func writeI16(_ value: Int16)
    mutating func writeI32(_ value: Int32)
    mutating func writeI64(_ value: Int64)
    mutating func writeDouble(_ value: Double)
    mutating func writeBinary(_ bytes: UnsafeRawBufferPointer)
    /// The length prefix of a string or binary whose `count` bytes the caller appends to ``buffer`` next.
    mutating func writeBinaryLength(_ count: Int)
    /// 16 raw bytes.
    mutating func writeUUID(_ bytes: UnsafeRawBufferPointer)
    /// Lends ``buffer`` for appending raw bytes (such as a string's bytes after ``writeBinaryLength(_:)``).
    /// A method rather than `&writer.buffer`, which unspecialised generic code reaches through an
    /// allocating accessor coroutine.
    mutating func withBuffer<T, E: Error>(_ body: (inout ByteBuffer) throws(E) -> T) throws(E) -> T

    /// A field header and its value in one append; see `ThriftProtocolWriter+Fields.swift`.
    mutating func writeIntegerField(_ type: WireType, id: Int16, value: Int64)
    mutating func writeDoubleField(id: Int16, value: Double)
    mutating func writeBinaryField(id: Int16, bytes: UnsafeRawBufferPointer)

    /// A list or set header when the size is known up front.
    mutating func writeListBegin(_ element: WireType, count: Int)
    mutating func writeMapBegin(key: WireType, value: WireType, count: Int)

    /// A list or set header whose size is filled in by ``endList(_:count:)`` once the elements are written.
    mutating func beginList(_ element: WireType) -> ThriftContainerMark
    mutating func endList(_ mark: ThriftContainerMark, count: Int)
    mutating func beginMap(key: WireType, value: WireType) -> ThriftContainerMark
    mutating func endMap(_ mark: ThriftContainerMark, count: Int)
}

/// The enclosing struct's state, restored by ``ThriftProtocolWriter/writeStructEnd(_:)``.
public struct ThriftStructMark: Sendable, Hashable {
    @usableFromInline let lastFieldID: Int16
    @inlinable init(lastFieldID: Int16) { self.lastFieldID = lastFieldID }
}

/// Where a container header whose size is not yet known was reserved.
public struct ThriftContainerMark: Sendable, Hashable {
    @usableFromInline let headerIndex: Int
    @usableFromInline let types: UInt8
    @inlinable init(headerIndex: Int, types: UInt8) {
        self.headerIndex = headerIndex
        self.types = types
    }
}

extension ThriftProtocolWriter {
    public mutating func writeString(_ value: String) {
        var value = value
        value.withUTF8 { writeBinary(UnsafeRawBufferPointer($0)) }
    }
}

extension ByteBuffer {
    /// Opens a gap of `count` bytes at `index`, moving everything after it up; the gap's content is undefined.
    mutating func insertGap(at index: Int, count: Int) {
        let tail = writerIndex - index
        writeRepeatingByte(0, count: count)
        withVeryUnsafeMutableBytes { base in
            // copyMemory is memmove: the ranges overlap.
            (base.baseAddress! + index + count).copyMemory(from: base.baseAddress! + index, byteCount: tail)
        }
    }
}
