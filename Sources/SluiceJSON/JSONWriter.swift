import NIOCore

/// Appends compact JSON to a `ByteBuffer`, inserting `,` separators itself.
///
/// It keeps one pending-separator flag instead of a stack: a value or a container end sets it, a key or a
/// container start clears it. Callers pair begin/end calls and put a key before each object member.
/// Take ``buffer`` back when done; create the writer from a buffer nobody else holds, or the first write
/// copies it.
public struct JSONWriter: Sendable {
    public var buffer: ByteBuffer
    @usableFromInline var needsSeparator = false

    public init(buffer: ByteBuffer) {
        self.buffer = buffer
    }

    @inlinable
    mutating func separator() {
        if needsSeparator { buffer.writeInteger(UInt8(ascii: ",")) }
    }

    public mutating func beginObject() {
        separator()
        buffer.writeInteger(UInt8(ascii: "{"))
        needsSeparator = false
    }

    public mutating func endObject() {
        buffer.writeInteger(UInt8(ascii: "}"))
        needsSeparator = true
    }

    public mutating func beginArray() {
        separator()
        buffer.writeInteger(UInt8(ascii: "["))
        needsSeparator = false
    }

    public mutating func endArray() {
        buffer.writeInteger(UInt8(ascii: "]"))
        needsSeparator = true
    }

    /// An object key (escaped as needed) and its `:`.
    public mutating func key(_ name: String) {
        separator()
        var name = name
        name.withUTF8 { writeEscaped(UnsafeRawBufferPointer($0)) }
        buffer.writeInteger(UInt8(ascii: ":"))
        needsSeparator = false
    }

    /// An object key from UTF-8 bytes; false (nothing sensible written) if they are not valid UTF-8.
    @discardableResult
    public mutating func key(utf8 bytes: UnsafeRawBufferPointer) -> Bool {
        separator()
        guard writeEscapedValidating(bytes) else { return false }
        buffer.writeInteger(UInt8(ascii: ":"))
        needsSeparator = false
        return true
    }

    public mutating func string(_ value: String) {
        separator()
        var value = value
        value.withUTF8 { writeEscaped(UnsafeRawBufferPointer($0)) }
        needsSeparator = true
    }

    /// A string from UTF-8 bytes; false if they are not valid UTF-8 (the output is then unusable).
    @discardableResult
    public mutating func string(utf8 bytes: UnsafeRawBufferPointer) -> Bool {
        separator()
        needsSeparator = true
        return writeEscapedValidating(bytes)
    }

    public mutating func bool(_ value: Bool) {
        separator()
        if value {
            buffer.writeStaticString("true")
        } else {
            buffer.writeStaticString("false")
        }
        needsSeparator = true
    }

    public mutating func null() {
        separator()
        buffer.writeStaticString("null")
        needsSeparator = true
    }

    public mutating func int<T: BinaryInteger>(_ value: T) {
        separator()
        if value < 0 {
            buffer.writeInteger(UInt8(ascii: "-"))
            writeDigits(UInt64(value.magnitude))
        } else {
            writeDigits(UInt64(value))
        }
        needsSeparator = true
    }

    public mutating func uint(_ value: UInt64) {
        separator()
        writeDigits(value)
        needsSeparator = true
    }

    /// Finite values as the shortest text that reads back to the same `Double`; NaN and the infinities as the
    /// strings `"NaN"`, `"Infinity"` and `"-Infinity"`, which JSON has no numbers for.
    public mutating func double(_ value: Double) {
        separator()
        if value.isNaN {
            buffer.writeStaticString("\"NaN\"")
        } else if value.isInfinite {
            buffer.writeStaticString(value < 0 ? "\"-Infinity\"" : "\"Infinity\"")
        } else {
            // `description` is Swift's shortest round-trip form; it is always valid JSON for finite values
            // ("1.0", "1e-05", "-0.0"), and fits a small String, so no allocation.
            buffer.writeString(value.description)
        }
        needsSeparator = true
    }

    /// A string holding `bytes` in standard, padded base64.
    public mutating func base64(_ bytes: UnsafeRawBufferPointer) {
        separator()
        buffer.writeInteger(UInt8(ascii: "\""))
        Base64.encode(bytes, into: &buffer)
        buffer.writeInteger(UInt8(ascii: "\""))
        needsSeparator = true
    }

    /// Pre-formatted JSON for one value (for example a string already quoted); the caller vouches for it.
    public mutating func rawValue(_ json: UnsafeRawBufferPointer) {
        separator()
        buffer.writeBytes(json)
        needsSeparator = true
    }

    mutating func writeDigits(_ value: UInt64) {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: digits) { output in
            var value = value
            var index = digits - 1
            while true {
                output[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
                value /= 10
                if index == 0 { break }
                index -= 1
            }
            return digits
        }
    }
}

extension JSONWriter {
    /// An integer as an object key: `"42":`.
    public mutating func intKey(_ value: Int64) {
        separator()
        buffer.writeInteger(UInt8(ascii: "\""))
        writeSigned(value)
        buffer.writeStaticString("\":")
        needsSeparator = false
    }

    /// An integer as a string value: `"9007199254740993"`, for readers whose numbers are doubles.
    public mutating func quotedInt(_ value: Int64) {
        separator()
        buffer.writeInteger(UInt8(ascii: "\""))
        writeSigned(value)
        buffer.writeInteger(UInt8(ascii: "\""))
        needsSeparator = true
    }

    private mutating func writeSigned(_ value: Int64) {
        if value < 0 { buffer.writeInteger(UInt8(ascii: "-")) }
        writeDigits(value.magnitude)
    }
}
