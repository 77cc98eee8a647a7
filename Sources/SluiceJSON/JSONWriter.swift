import NIOCore

/// Appends compact JSON to a `ByteBuffer`, inserting `,` separators itself.
///
/// It keeps one pending-separator flag instead of a stack: a value or a container end sets it, a key or a
/// container start clears it. Callers pair begin/end calls and put a key before each object member.
/// Take ``buffer`` back when done; create the writer from a buffer nobody else holds, or the first write
/// copies it.
///
/// Each call appends its separator, punctuation and text in one reserved step (``ByteBuffer/appendRaw``),
/// not byte by byte: that is most of what a transcoder writing JSON does.
public struct JSONWriter: Sendable {
    public var buffer: ByteBuffer
    @usableFromInline var needsSeparator = false

    public init(buffer: ByteBuffer) {
        self.buffer = buffer
    }

    @inlinable
    public mutating func beginObject() { open(UInt8(ascii: "{")) }

    @inlinable
    public mutating func endObject() { close(UInt8(ascii: "}")) }

    @inlinable
    public mutating func beginArray() { open(UInt8(ascii: "[")) }

    @inlinable
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// An object key (escaped as needed) and its `:`.
    public mutating func key(_ name: String) {
        var name = name
        name.withUTF8 { _ = writeQuoted(UnsafeRawBufferPointer($0), validate: false, colon: true) }
        needsSeparator = false
    }

    /// An object key from UTF-8 bytes; false (nothing sensible written) if they are not valid UTF-8.
    @inlinable @discardableResult
    public mutating func key(utf8 bytes: UnsafeRawBufferPointer) -> Bool {
        guard writeQuoted(bytes, validate: true, colon: true) else { return false }
        needsSeparator = false
        return true
    }

    /// An object key already in JSON form — quoted, escaped, followed by `:` — such as one a schema
    /// prepared once per field; the caller vouches for it.
    @inlinable
    public mutating func rawKey(_ quotedKeyAndColon: UnsafeRawBufferPointer) {
        writeSeparated(quotedKeyAndColon)
        needsSeparator = false
    }

    public mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { _ = writeQuoted(UnsafeRawBufferPointer($0), validate: false, colon: false) }
        needsSeparator = true
    }

    /// A string from UTF-8 bytes; false if they are not valid UTF-8 (the output is then unusable).
    @inlinable @discardableResult
    public mutating func string(utf8 bytes: UnsafeRawBufferPointer) -> Bool {
        let valid = writeQuoted(bytes, validate: true, colon: false)
        needsSeparator = true
        return valid
    }

    @inlinable
    public mutating func bool(_ value: Bool) {
        if value {
            writeSeparated(literal: "true")
        } else {
            writeSeparated(literal: "false")
        }
        needsSeparator = true
    }

    @inlinable
    public mutating func null() {
        writeSeparated(literal: "null")
        needsSeparator = true
    }

    @inlinable
    public mutating func int<T: BinaryInteger>(_ value: T) {
        writeInteger(negative: value < 0, UInt64(value.magnitude), quoted: false, colon: false)
        needsSeparator = true
    }

    @inlinable
    public mutating func uint(_ value: UInt64) {
        writeInteger(negative: false, value, quoted: false, colon: false)
        needsSeparator = true
    }

    /// Finite values as the shortest text that reads back to the same `Double`; NaN and the infinities as the
    /// strings `"NaN"`, `"Infinity"` and `"-Infinity"`, which JSON has no numbers for.
    public mutating func double(_ value: Double) {
        if value.isNaN {
            writeSeparated(literal: "\"NaN\"")
        } else if value.isInfinite {
            writeSeparated(literal: value < 0 ? "\"-Infinity\"" : "\"Infinity\"")
        } else if writeShortDouble(value) {
            // Written without a String.
        } else {
            // `description` is Swift's shortest round-trip form; it is always valid JSON for finite values
            // ("1.0", "1e-05", "-0.0"), and fits a small String, so no allocation.
            var text = value.description
            text.withUTF8 { writeSeparated(UnsafeRawBufferPointer($0)) }
        }
        needsSeparator = true
    }

    /// A string holding `bytes` in standard, padded base64.
    public mutating func base64(_ bytes: UnsafeRawBufferPointer) {
        let comma = needsSeparator
        buffer.appendRaw(capacity: Base64.encodedCount(bytes.count) + 3) { output in
            var count = 0
            if comma { output.put(UInt8(ascii: ","), &count) }
            output.put(UInt8(ascii: "\""), &count)
            count += Base64.encode(bytes, to: output + count)
            output.put(UInt8(ascii: "\""), &count)
            return count
        }
        needsSeparator = true
    }

    /// Pre-formatted JSON for one value (for example a string already quoted); the caller vouches for it.
    @inlinable
    public mutating func rawValue(_ json: UnsafeRawBufferPointer) {
        writeSeparated(json)
        needsSeparator = true
    }
}

extension JSONWriter {
    // A member — key prepared as by ``rawKey(_:)``, then its value — in one append, for transcoders that
    // write many small members.

    /// `key` then the integer `value`.
    @inlinable
    public mutating func int(_ value: Int64, afterKey key: UnsafeRawBufferPointer) {
        writeInteger(negative: value < 0, value.magnitude, quoted: false, colon: false, key: key)
        needsSeparator = true
    }

    /// `key` then a string from UTF-8 bytes; false if they are not valid UTF-8 (the output is then unusable).
    @inlinable @discardableResult
    public mutating func string(utf8 bytes: UnsafeRawBufferPointer, afterKey key: UnsafeRawBufferPointer) -> Bool {
        let valid = writeQuoted(bytes, validate: true, colon: false, key: key)
        needsSeparator = true
        return valid
    }
}

extension JSONWriter {
    /// An integer as an object key: `"42":`.
    @inlinable
    public mutating func intKey(_ value: Int64) {
        writeInteger(negative: value < 0, value.magnitude, quoted: true, colon: true)
        needsSeparator = false
    }

    /// An integer as a string value: `"9007199254740993"`, for readers whose numbers are doubles.
    @inlinable
    public mutating func quotedInt(_ value: Int64) {
        writeInteger(negative: value < 0, value.magnitude, quoted: true, colon: false)
        needsSeparator = true
    }
}
