#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import SluiceJSON

/// Appends protobuf's wire encoding to a `ByteBuffer`.
///
/// Nested messages and packed runs get a one-byte length slot before their body is written, patched when it
/// ends: a body under 128 bytes (most of them) costs nothing more, and a longer one moves forward by the
/// extra length bytes. Sizing every message first would mean reading the JSON twice; reserving the maximum
/// five bytes would mean moving every body back, small ones included.
struct ProtobufWireWriter {
    var buffer: ByteBuffer

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        buffer.appendRaw(capacity: 10) { output in
            var value = value
            var count = 0
            while value >= 0x80 {
                output.put(UInt8(truncatingIfNeeded: value) | 0x80, &count)
                value >>= 7
            }
            output.put(UInt8(value), &count)
            return count
        }
    }

    @inline(__always)
    mutating func tag(_ number: Int32, _ wireType: WireType) {
        varint(UInt64(UInt32(bitPattern: number) << 3 | UInt32(wireType.rawValue)))
    }

    @inline(__always)
    mutating func fixed32(_ value: UInt32) {
        buffer.appendRaw(capacity: 4) { output in
            output.storeBytes(of: value.littleEndian, as: UInt32.self)
            return 4
        }
    }

    @inline(__always)
    mutating func fixed64(_ value: UInt64) {
        buffer.appendRaw(capacity: 8) { output in
            output.storeBytes(of: value.littleEndian, as: UInt64.self)
            return 8
        }
    }

    /// One scalar's bits in `wireType` (varint, fixed32 or fixed64).
    @inline(__always)
    mutating func value(_ bits: UInt64, _ wireType: WireType) {
        switch wireType {
        case .fixed32: fixed32(UInt32(truncatingIfNeeded: bits))
        case .fixed64: fixed64(bits)
        default: varint(bits)
        }
    }

    /// Reserves a length slot; pass the result to ``endLength(_:)`` once the body is written.
    @inline(__always)
    mutating func beginLength() -> Int {
        let mark = buffer.writerIndex
        buffer.appendByte(0)
        return mark
    }

    /// Writes the length of what followed the slot at `mark`, moving the body when it needs more than one byte.
    mutating func endLength(_ mark: Int) {
        let length = buffer.writerIndex - mark - 1
        if length < 0x80 {
            buffer.setInteger(UInt8(length), at: mark)
            return
        }
        var size = 1
        while length >> (7 * size) != 0 { size += 1 }
        buffer.writeRepeatingByte(0, count: size - 1)
        let start = mark - buffer.readerIndex
        buffer.withUnsafeMutableReadableBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            memmove(base + start + size, base + start + 1, length)
            var value = length
            var index = start
            while value >= 0x80 {
                base.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, toByteOffset: index, as: UInt8.self)
                value >>= 7
                index += 1
            }
            base.storeBytes(of: UInt8(value), toByteOffset: index, as: UInt8.self)
        }
    }
}
