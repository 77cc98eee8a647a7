import NIOCore

// The writer's appends: separator and text reserved and written together.
extension JSONWriter {
    @inlinable @inline(__always)
    mutating func open(_ bracket: UInt8) {
        let comma = needsSeparator
        buffer.appendRaw(capacity: 2) { output in
            var count = 0
            if comma { output.put(UInt8(ascii: ","), &count) }
            output.put(bracket, &count)
            return count
        }
        needsSeparator = false
    }

    @inlinable @inline(__always)
    mutating func close(_ bracket: UInt8) {
        buffer.appendByte(bracket)
        needsSeparator = true
    }

    /// `,` if a value came before, then `text`.
    @inlinable @inline(__always)
    mutating func writeSeparated(_ text: UnsafeRawBufferPointer) {
        let comma = needsSeparator
        buffer.appendRaw(capacity: text.count + 1) { output in
            var count = 0
            if comma { output.put(UInt8(ascii: ","), &count) }
            if let source = text.baseAddress {
                (output + count).copySmall(from: source, count: text.count)
                count += text.count
            }
            return count
        }
    }

    @inlinable @inline(__always)
    mutating func writeSeparated(literal: StaticString) {
        writeSeparated(UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// `[,]["]-digits["][:]` in one append.
    @inlinable
    mutating func writeInteger(
        negative: Bool, _ magnitude: UInt64, quoted: Bool, colon: Bool,
        key: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    ) {
        var digits = 1
        var limit: UInt64 = 10
        while digits < 20 && magnitude >= limit {
            digits += 1
            limit &*= 10
        }
        let comma = needsSeparator
        buffer.appendRaw(capacity: key.count + digits + 5) { output in
            var count = 0
            if comma { output.put(UInt8(ascii: ","), &count) }
            if let source = key.baseAddress {
                (output + count).copySmall(from: source, count: key.count)
                count += key.count
            }
            if quoted { output.put(UInt8(ascii: "\""), &count) }
            if negative { output.put(UInt8(ascii: "-"), &count) }
            // Two digits per division, from the right.
            let pairs: StaticString = """
                00010203040506070809101112131415161718192021222324252627282930313233343536373839\
                40414243444546474849505152535455565758596061626364656667686970717273747576777879\
                8081828384858687888990919293949596979899
                """
            var value = magnitude
            var end = count + digits
            while value >= 100 {
                let pair = Int(value % 100) &* 2
                value /= 100
                end -= 2
                output.storeBytes(of: pairs.utf8Start[pair], toByteOffset: end, as: UInt8.self)
                output.storeBytes(of: pairs.utf8Start[pair + 1], toByteOffset: end + 1, as: UInt8.self)
            }
            if value >= 10 {
                let pair = Int(value) &* 2
                output.storeBytes(of: pairs.utf8Start[pair], toByteOffset: end - 2, as: UInt8.self)
                output.storeBytes(of: pairs.utf8Start[pair + 1], toByteOffset: end - 1, as: UInt8.self)
            } else {
                output.storeBytes(of: UInt8(ascii: "0") &+ UInt8(value), toByteOffset: end - 1, as: UInt8.self)
            }
            count += digits
            if quoted { output.put(UInt8(ascii: "\""), &count) }
            if colon { output.put(UInt8(ascii: ":"), &count) }
            return count
        }
    }
}

extension UnsafeMutableRawPointer {
    /// Stores `byte` at `count` and advances it.
    @inlinable @inline(__always)
    package func put(_ byte: UInt8, _ count: inout Int) {
        storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }
}
