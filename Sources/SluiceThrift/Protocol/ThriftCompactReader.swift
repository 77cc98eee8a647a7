/// Compact protocol values.
public struct ThriftCompactReader: ThriftProtocolReader {
    var cursor: ThriftByteCursor
    var lastFieldID: Int16 = 0
    /// The value carried in a bool field's header, until ``readBool()`` takes it.
    var pendingBool: Bool? = nil

    /// `maxSize` caps every declared string length and container size.
    public init(bytes: UnsafeRawBufferPointer, maxSize: Int = 16_384_000) {
        cursor = ThriftByteCursor(bytes: bytes, maxSize: maxSize)
    }

    public var offset: Int { cursor.offset }
    public static var protocolKind: ThriftProtocolKind { .compact }

    public mutating func readStructBegin() -> ThriftStructMark {
        defer { lastFieldID = 0 }
        return ThriftStructMark(lastFieldID: lastFieldID)
    }

    public mutating func readStructEnd(_ mark: ThriftStructMark) { lastFieldID = mark.lastFieldID }

    public mutating func readFieldBegin() throws(ThriftProtocolError) -> (type: WireType, id: Int16) {
        let start = cursor.offset
        let header = try cursor.byte()
        let nibble = header & 0x0F
        guard let type = CompactType.wireType(nibble) else { throw cursor.invalidType(nibble, at: start) }
        if type == .stop { return (.stop, 0) }
        let delta = header >> 4
        let id: Int16
        if delta != 0 {
            id = lastFieldID &+ Int16(delta)
        } else {
            id = Int16(truncatingIfNeeded: try zigzagVarint())
        }
        lastFieldID = id
        if type == .bool { pendingBool = nibble == CompactType.boolTrue }
        return (type, id)
    }

    public mutating func readBool() throws(ThriftProtocolError) -> Bool {
        if let value = pendingBool {
            pendingBool = nil
            return value
        }
        return try cursor.byte() == CompactType.boolTrue
    }

    public mutating func readI8() throws(ThriftProtocolError) -> Int8 { Int8(bitPattern: try cursor.byte()) }

    public mutating func readI16() throws(ThriftProtocolError) -> Int16 {
        let start = cursor.offset
        let value = try zigzagVarint()
        guard let narrow = Int16(exactly: value) else {
            throw ThriftProtocolError(.invalidVarint, at: start, "i16 varint out of range")
        }
        return narrow
    }

    public mutating func readI32() throws(ThriftProtocolError) -> Int32 {
        let start = cursor.offset
        let value = try zigzagVarint()
        guard let narrow = Int32(exactly: value) else {
            throw ThriftProtocolError(.invalidVarint, at: start, "i32 varint out of range")
        }
        return narrow
    }

    public mutating func readI64() throws(ThriftProtocolError) -> Int64 { try zigzagVarint() }

    public mutating func readDouble() throws(ThriftProtocolError) -> Double {
        Double(bitPattern: try cursor.littleEndian(UInt64.self))
    }

    public mutating func readBinary() throws(ThriftProtocolError) -> UnsafeRawBufferPointer {
        let start = cursor.offset
        let length = try cursor.checkSize(try size(), at: start, what: "string length")
        return try cursor.slice(length)
    }

    public mutating func readUUID() throws(ThriftProtocolError) -> UnsafeRawBufferPointer { try cursor.slice(16) }

    public mutating func readListBegin() throws(ThriftProtocolError) -> (element: WireType, count: Int) {
        let start = cursor.offset
        let header = try cursor.byte()
        guard let element = CompactType.wireType(header & 0x0F), element != .stop else {
            throw cursor.invalidType(header & 0x0F, at: start)
        }
        var count = Int(header >> 4)
        if count == 15 {
            count = try size()
        }
        return (element, try cursor.checkSize(count, at: start, what: "list size"))
    }

    public mutating func readMapBegin() throws(ThriftProtocolError) -> (key: WireType, value: WireType, count: Int) {
        let start = cursor.offset
        let count = try cursor.checkSize(try size(), at: start, what: "map size")
        if count == 0 {
            // An empty map carries no types; `.stop` marks "unknown", and there is nothing to read.
            return (.stop, .stop, 0)
        }
        let types = try cursor.byte()
        guard let key = CompactType.wireType(types >> 4), key != .stop else {
            throw cursor.invalidType(types >> 4, at: cursor.offset - 1)
        }
        guard let value = CompactType.wireType(types & 0x0F), value != .stop else {
            throw cursor.invalidType(types & 0x0F, at: cursor.offset - 1)
        }
        return (key, value, count)
    }

    /// A length or size: an unsigned varint that must fit in Int32.
    private mutating func size() throws(ThriftProtocolError) -> Int {
        let start = cursor.offset
        let value = try cursor.varint()
        guard value <= UInt64(Int32.max) else {
            throw ThriftProtocolError(.tooLarge, at: start, "size \(value) does not fit in 32 bits")
        }
        return Int(value)
    }

    private mutating func zigzagVarint() throws(ThriftProtocolError) -> Int64 {
        let raw = try cursor.varint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }
}

// Borrows memory that is valid only inside a `withUnsafeReadableBytes` closure.
@available(*, unavailable)
extension ThriftCompactReader: Sendable {}
