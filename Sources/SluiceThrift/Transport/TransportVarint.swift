import NIOCore

/// Unsigned LEB128, as THeader and the Compact message header use it (no zigzag).
///
/// A namespace rather than a `ByteBuffer` extension so it cannot collide with the protocol codecs' own helpers
/// in this module.
enum TransportVarint {
    static func write(_ value: UInt64, into buffer: inout ByteBuffer) {
        var value = value
        while value >= 0x80 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        buffer.writeInteger(UInt8(value))
    }

    static func length(of value: UInt64) -> Int {
        var value = value
        var count = 1
        while value >= 0x80 {
            value >>= 7
            count += 1
        }
        return count
    }

    enum ReadResult {
        case value(UInt64)
        case needMoreBytes
        case tooLong
    }

    /// Reads a varint of at most `maxBytes` bytes; leaves `buffer` untouched unless a value was read.
    static func read(from buffer: inout ByteBuffer, maxBytes: Int = 10) -> ReadResult {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = buffer.readerIndex
        for _ in 0..<maxBytes {
            guard let byte = buffer.getInteger(at: index, as: UInt8.self) else { return .needMoreBytes }
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                buffer.moveReaderIndex(to: index)
                return .value(result)
            }
            shift += 7
        }
        return .tooLong
    }
}
