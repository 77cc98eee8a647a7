import NIOCore

/// Base64 (RFC 4648) written by hand: it runs on the request path for every `binary` field.
///
/// Encoding uses the standard alphabet with padding. Decoding accepts the standard and URL-safe alphabets,
/// padded or not, but no whitespace or other characters.
public enum Base64 {
    @usableFromInline static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    /// The encoded length of `count` bytes, with padding.
    public static func encodedCount(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    public static func encode(_ bytes: UnsafeRawBufferPointer, into buffer: inout ByteBuffer) {
        buffer.appendRaw(capacity: encodedCount(bytes.count)) { output in encode(bytes, to: output) }
    }

    /// Writes the encoding to `output`, which has room for ``encodedCount(_:)`` bytes; returns that count.
    static func encode(_ bytes: UnsafeRawBufferPointer, to output: UnsafeMutableRawPointer) -> Int {
        let table = alphabet.utf8Start
        var read = 0
        var write = 0
        while read + 3 <= bytes.count {
            let chunk = UInt32(bytes[read]) << 16 | UInt32(bytes[read + 1]) << 8 | UInt32(bytes[read + 2])
            let quad =
                UInt32(table[Int(chunk >> 18)]) | UInt32(table[Int((chunk >> 12) & 0x3F)]) << 8
                | UInt32(table[Int((chunk >> 6) & 0x3F)]) << 16 | UInt32(table[Int(chunk & 0x3F)]) << 24
            output.storeBytes(of: quad.littleEndian, toByteOffset: write, as: UInt32.self)
            read += 3
            write += 4
        }
        let rest = bytes.count - read
        if rest > 0 {
            let chunk = UInt32(bytes[read]) << 16 | (rest == 2 ? UInt32(bytes[read + 1]) << 8 : 0)
            output.put(table[Int(chunk >> 18)], &write)
            output.put(table[Int((chunk >> 12) & 0x3F)], &write)
            output.put(rest == 2 ? table[Int((chunk >> 6) & 0x3F)] : UInt8(ascii: "="), &write)
            output.put(UInt8(ascii: "="), &write)
        }
        return write
    }

    public static func encode(_ bytes: [UInt8]) -> String {
        var buffer = ByteBuffer()
        bytes.withUnsafeBytes { encode($0, into: &buffer) }
        return String(buffer: buffer)
    }

    /// The decoded length of `text`, or nil if its length cannot be base64 (padding is allowed but not needed).
    public static func decodedCount(_ text: UnsafeRawBufferPointer) -> Int? {
        var count = text.count
        if count % 4 == 0 && count > 0 {
            if text[count - 1] == UInt8(ascii: "=") { count -= 1 }
            if text[count - 1] == UInt8(ascii: "=") { count -= 1 }
        }
        switch count % 4 {
        case 1: return nil
        case 0: return count / 4 * 3
        default: return count / 4 * 3 + count % 4 - 1
        }
    }

    /// Decodes `text`, appending to `buffer`; false (and nothing appended) if it is not base64.
    public static func decode(_ text: UnsafeRawBufferPointer, into buffer: inout ByteBuffer) -> Bool {
        guard let count = decodedCount(text) else { return false }
        let start = buffer.writerIndex
        var valid = true
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { output in
            valid = decode(text, into: output)
            return valid ? count : 0
        }
        if !valid { buffer.moveWriterIndex(to: start) }
        return valid
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decode(UnsafeRawBufferPointer($0)) }
    }

    /// The bytes `text` encodes; nil if it is not base64.
    public static func decode(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        guard let count = decodedCount(text) else { return nil }
        var ok = true
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
            ok = decode(text, into: UnsafeMutableRawBufferPointer(output))
            initialized = ok ? count : 0
        }
        return ok ? bytes : nil
    }

    /// Decodes into `output`, which holds exactly ``decodedCount(_:)`` bytes.
    static func decode(_ text: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Bool {
        var length = text.count
        if length % 4 == 0 && length > 0 {
            if text[length - 1] == UInt8(ascii: "=") { length -= 1 }
            if text[length - 1] == UInt8(ascii: "=") { length -= 1 }
        }
        var read = 0
        var write = 0
        while read + 4 <= length {
            guard let a = sextet(text[read]), let b = sextet(text[read + 1]), let c = sextet(text[read + 2]),
                let d = sextet(text[read + 3])
            else { return false }
            let chunk = a << 18 | b << 12 | c << 6 | d
            output[write] = UInt8(truncatingIfNeeded: chunk >> 16)
            output[write + 1] = UInt8(truncatingIfNeeded: chunk >> 8)
            output[write + 2] = UInt8(truncatingIfNeeded: chunk)
            read += 4
            write += 3
        }
        let rest = length - read
        if rest >= 2 {
            guard let a = sextet(text[read]), let b = sextet(text[read + 1]) else { return false }
            var chunk = a << 18 | b << 12
            if rest == 3 {
                guard let c = sextet(text[read + 2]) else { return false }
                chunk |= c << 6
            }
            output[write] = UInt8(truncatingIfNeeded: chunk >> 16)
            if rest == 3 { output[write + 1] = UInt8(truncatingIfNeeded: chunk >> 8) }
        }
        return true
    }

    @inline(__always)
    static func sextet(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(byte &- UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(byte &- UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte &- UInt8(ascii: "0")) + 52
        case UInt8(ascii: "+"), UInt8(ascii: "-"): 62
        case UInt8(ascii: "/"), UInt8(ascii: "_"): 63
        default: nil
        }
    }
}
