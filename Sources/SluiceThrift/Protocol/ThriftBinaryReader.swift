/// Strict Binary protocol values.
public struct ThriftBinaryReader: ThriftProtocolReader {
    var cursor: ThriftByteCursor

    /// `maxSize` caps every declared string length and container size.
    public init(bytes: UnsafeRawBufferPointer, maxSize: Int = 16_384_000) {
        cursor = ThriftByteCursor(bytes: bytes, maxSize: maxSize)
    }

    public var offset: Int { cursor.offset }
    public static var protocolKind: ThriftProtocolKind { .binary }

    public mutating func readStructBegin() -> ThriftStructMark { ThriftStructMark(lastFieldID: 0) }
    public mutating func readStructEnd(_ mark: ThriftStructMark) {}

    public mutating func readFieldBegin() throws(ThriftProtocolError) -> (type: WireType, id: Int16) {
        let start = cursor.offset
        let code = try cursor.byte()
        guard let type = WireType(rawValue: code) else { throw cursor.invalidType(code, at: start) }
        if type == .stop { return (.stop, 0) }
        return (type, try cursor.bigEndian(Int16.self))
    }

    public mutating func readBool() throws(ThriftProtocolError) -> Bool { try cursor.byte() != 0 }
    public mutating func readI8() throws(ThriftProtocolError) -> Int8 { Int8(bitPattern: try cursor.byte()) }
    public mutating func readI16() throws(ThriftProtocolError) -> Int16 { try cursor.bigEndian(Int16.self) }
    public mutating func readI32() throws(ThriftProtocolError) -> Int32 { try cursor.bigEndian(Int32.self) }
    public mutating func readI64() throws(ThriftProtocolError) -> Int64 { try cursor.bigEndian(Int64.self) }
    public mutating func readDouble() throws(ThriftProtocolError) -> Double {
        Double(bitPattern: try cursor.bigEndian(UInt64.self))
    }

    public mutating func readBinary() throws(ThriftProtocolError) -> UnsafeRawBufferPointer {
        let start = cursor.offset
        let length = try cursor.checkSize(Int(try cursor.bigEndian(Int32.self)), at: start, what: "string length")
        return try cursor.slice(length)
    }

    public mutating func readUUID() throws(ThriftProtocolError) -> UnsafeRawBufferPointer { try cursor.slice(16) }

    public mutating func readListBegin() throws(ThriftProtocolError) -> (element: WireType, count: Int) {
        let start = cursor.offset
        let code = try cursor.byte()
        guard let element = WireType(rawValue: code), element != .stop else { throw cursor.invalidType(code, at: start) }
        let count = try cursor.checkSize(Int(try cursor.bigEndian(Int32.self)), at: start, what: "list size")
        return (element, count)
    }

    public mutating func readMapBegin() throws(ThriftProtocolError) -> (key: WireType, value: WireType, count: Int) {
        let start = cursor.offset
        let keyCode = try cursor.byte()
        let valueCode = try cursor.byte()
        guard let key = WireType(rawValue: keyCode), key != .stop else { throw cursor.invalidType(keyCode, at: start) }
        guard let value = WireType(rawValue: valueCode), value != .stop else {
            throw cursor.invalidType(valueCode, at: start + 1)
        }
        let count = try cursor.checkSize(Int(try cursor.bigEndian(Int32.self)), at: start, what: "map size")
        return (key, value, count)
    }
}

// Borrows memory that is valid only inside a `withUnsafeReadableBytes` closure.
@available(*, unavailable)
extension ThriftBinaryReader: Sendable {}
