/// Reads Thrift values in one protocol from borrowed bytes.
///
/// Readers work on an `UnsafeRawBufferPointer` (from `ByteBuffer.withUnsafeReadableBytes`) so strings and
/// binaries come back as slices of the input, without copies. Every read checks bounds and throws
/// ``ThriftProtocolError`` instead of trapping; container sizes are checked against the bytes left, since
/// every element takes at least one byte.
public protocol ThriftProtocolReader {
    /// `maxSize` caps every declared string length and container size.
    init(bytes: UnsafeRawBufferPointer, maxSize: Int)
    /// Offset of the next byte to read.
    var offset: Int { get }
    static var protocolKind: ThriftProtocolKind { get }

    mutating func readStructBegin() -> ThriftStructMark
    mutating func readStructEnd(_ mark: ThriftStructMark)
    /// `(.stop, 0)` at the end of a struct. For a Compact bool field the value is read by ``readBool()``.
    mutating func readFieldBegin() throws(ThriftProtocolError) -> (type: WireType, id: Int16)

    mutating func readBool() throws(ThriftProtocolError) -> Bool
    mutating func readI8() throws(ThriftProtocolError) -> Int8
    mutating func readI16() throws(ThriftProtocolError) -> Int16
    mutating func readI32() throws(ThriftProtocolError) -> Int32
    mutating func readI64() throws(ThriftProtocolError) -> Int64
    mutating func readDouble() throws(ThriftProtocolError) -> Double
    /// A string or binary, as a slice of the input.
    mutating func readBinary() throws(ThriftProtocolError) -> UnsafeRawBufferPointer
    mutating func readUUID() throws(ThriftProtocolError) -> UnsafeRawBufferPointer

    mutating func readListBegin() throws(ThriftProtocolError) -> (element: WireType, count: Int)
    mutating func readMapBegin() throws(ThriftProtocolError) -> (key: WireType, value: WireType, count: Int)
}

/// Bounds-checked access shared by both readers.
struct ThriftByteCursor {
    let bytes: UnsafeRawBufferPointer
    var offset: Int
    /// Longest string or largest container accepted.
    let maxSize: Int

    init(bytes: UnsafeRawBufferPointer, maxSize: Int) {
        self.bytes = bytes
        self.offset = 0
        self.maxSize = maxSize
    }

    var remaining: Int { bytes.count - offset }

    @inline(__always)
    mutating func need(_ count: Int) throws(ThriftProtocolError) {
        if count > bytes.count - offset {
            throw ThriftProtocolError(.truncated, at: bytes.count, "input ended inside a value (\(count) bytes needed at \(offset))")
        }
    }

    @inline(__always)
    mutating func byte() throws(ThriftProtocolError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    @inline(__always)
    mutating func bigEndian<T: FixedWidthInteger>(_: T.Type) throws(ThriftProtocolError) -> T {
        let size = MemoryLayout<T>.size
        try need(size)
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += size
        return T(bigEndian: value)
    }

    @inline(__always)
    mutating func littleEndian<T: FixedWidthInteger>(_: T.Type) throws(ThriftProtocolError) -> T {
        let size = MemoryLayout<T>.size
        try need(size)
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += size
        return T(littleEndian: value)
    }

    mutating func slice(_ count: Int) throws(ThriftProtocolError) -> UnsafeRawBufferPointer {
        try need(count)
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }

    /// Validates a declared length or element count starting at `at`.
    mutating func checkSize(_ size: Int, at start: Int, what: String) throws(ThriftProtocolError) -> Int {
        if size < 0 {
            throw ThriftProtocolError(.negativeSize, at: start, "negative \(what) \(size)")
        }
        if size > maxSize {
            throw ThriftProtocolError(.tooLarge, at: start, "\(what) \(size) exceeds the limit of \(maxSize)")
        }
        // Every element and every byte of a string takes at least one byte of input.
        try need(size)
        return size
    }

    mutating func varint() throws(ThriftProtocolError) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try self.byte()
            if shift == 63 && byte > 1 {
                throw ThriftProtocolError(.invalidVarint, at: start, "varint overflows 64 bits")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 {
                throw ThriftProtocolError(.invalidVarint, at: start, "varint longer than 10 bytes")
            }
        }
    }

    func invalidType(_ code: UInt8, at offset: Int) -> ThriftProtocolError {
        ThriftProtocolError(.invalidType, at: offset, "invalid type code \(code)")
    }
}
