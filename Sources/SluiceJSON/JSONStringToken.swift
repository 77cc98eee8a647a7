import NIOCore

/// A JSON string as a range of the scanned input: the bytes between the quotes, still escaped.
///
/// The scanner validated it (UTF-8, escapes, surrogate pairs) and counted its decoded length, so a writer
/// can emit a length prefix before the bytes without decoding twice.
public struct JSONStringToken: Sendable, Hashable {
    /// Offset of the first content byte (just after the opening quote).
    public let start: Int
    /// Offset of the closing quote.
    public let end: Int
    /// Length in bytes once escapes are decoded.
    public let decodedCount: Int
    public let hasEscapes: Bool

    /// Offset of the opening quote, for errors about the whole string.
    public var quoteOffset: Int { start - 1 }
}

extension JSONScanner {
    /// The string's bytes exactly as they appear in the input (escapes not decoded).
    public func rawBytes(of token: JSONStringToken) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end])
    }

    /// Whether the decoded string equals `name`, comparing bytes without building a `String` when unescaped.
    public func string(_ token: JSONStringToken, equals name: String) -> Bool {
        var name = name
        return name.withUTF8 { utf8 in
            guard utf8.count == token.decodedCount else { return false }
            if !token.hasEscapes {
                var index = 0
                while index < utf8.count {
                    if utf8[index] != bytes[token.start + index] { return false }
                    index += 1
                }
                return true
            }
            return decodedString(token).utf8.elementsEqual(utf8)
        }
    }

    /// The decoded string.
    public func decodedString(_ token: JSONStringToken) -> String {
        if !token.hasEscapes {
            return String(decoding: rawBytes(of: token), as: UTF8.self)
        }
        return String(unsafeUninitializedCapacity: token.decodedCount) { output in
            decode(token, into: UnsafeMutableRawBufferPointer(output))
        }
    }

    /// Calls `body` with the decoded bytes; borrows the input when there is nothing to decode.
    public func withDecodedBytes<T, E: Error>(
        _ token: JSONStringToken, _ body: (UnsafeRawBufferPointer) throws(E) -> T
    ) throws(E) -> T {
        if !token.hasEscapes {
            return try body(rawBytes(of: token))
        }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: token.decodedCount, alignment: 1)
        defer { scratch.deallocate() }
        let count = decode(token, into: scratch)
        return try body(UnsafeRawBufferPointer(rebasing: scratch[0..<count]))
    }

    /// Writes the decoded bytes into `output` (at least `decodedCount` long); returns the count written.
    /// The token must come from this scanner, which already validated it.
    @discardableResult
    public func decode(_ token: JSONStringToken, into output: UnsafeMutableRawBufferPointer) -> Int {
        var read = token.start
        var written = 0
        while read < token.end {
            let byte = bytes[read]
            if byte != UInt8(ascii: "\\") {
                output[written] = byte
                written += 1
                read += 1
                continue
            }
            let escape = bytes[read + 1]
            read += 2
            let simple: UInt8
            switch escape {
            case UInt8(ascii: "\""): simple = UInt8(ascii: "\"")
            case UInt8(ascii: "\\"): simple = UInt8(ascii: "\\")
            case UInt8(ascii: "/"): simple = UInt8(ascii: "/")
            case UInt8(ascii: "b"): simple = 0x08
            case UInt8(ascii: "f"): simple = 0x0C
            case UInt8(ascii: "n"): simple = 0x0A
            case UInt8(ascii: "r"): simple = 0x0D
            case UInt8(ascii: "t"): simple = 0x09
            default:  // `u`, validated by the scanner
                var scalar = UInt32(hex4(at: read))
                read += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    let low = UInt32(hex4(at: read + 2))
                    read += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                written += writeUTF8(scalar, into: output, at: written)
                continue
            }
            output[written] = simple
            written += 1
        }
        return written
    }

    /// Appends the decoded bytes to `buffer`.
    public func write(_ token: JSONStringToken, into buffer: inout ByteBuffer) {
        if !token.hasEscapes {
            buffer.appendBytes(rawBytes(of: token))
            return
        }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: token.decodedCount) { output in
            decode(token, into: output)
        }
    }

    /// The value of four hex digits the scanner already validated.
    func hex4(at index: Int) -> UInt16 {
        var value: UInt16 = 0
        for i in index..<(index + 4) {
            value = value << 4 | UInt16(hexValue(bytes[i]) ?? 0)
        }
        return value
    }

    private func writeUTF8(_ scalar: UInt32, into output: UnsafeMutableRawBufferPointer, at index: Int) -> Int {
        switch scalar {
        case 0..<0x80:
            output[index] = UInt8(scalar)
            return 1
        case 0x80..<0x800:
            output[index] = UInt8(0xC0 | (scalar >> 6))
            output[index + 1] = UInt8(0x80 | (scalar & 0x3F))
            return 2
        case 0x800..<0x10000:
            output[index] = UInt8(0xE0 | (scalar >> 12))
            output[index + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            output[index + 2] = UInt8(0x80 | (scalar & 0x3F))
            return 3
        default:
            output[index] = UInt8(0xF0 | (scalar >> 18))
            output[index + 1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
            output[index + 2] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            output[index + 3] = UInt8(0x80 | (scalar & 0x3F))
            return 4
        }
    }
}

/// A hex digit's value (either case); nil for any other byte.
@inline(__always)
package func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
    default: nil
    }
}
