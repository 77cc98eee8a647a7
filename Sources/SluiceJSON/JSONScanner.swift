/// A pull scanner over one JSON document held in memory (RFC 8259, strict).
///
/// Modelled on swift-protobuf's `JSONScanner`: the caller drives it with token operations, so a schema can
/// decide what each value must be without building a tree. Strings come back as ranges into the input
/// (``JSONStringToken``); only strings with escapes ever need decoding, and keys are compared as bytes.
/// Nesting is capped at `maxDepth`, and everything that is skipped is still fully validated.
///
/// The scanner borrows `bytes`: use it only inside the `withUnsafeReadableBytes` closure that vended them.
public struct JSONScanner {
    public let bytes: UnsafeRawBufferPointer
    /// Offset of the next byte to read.
    public internal(set) var offset: Int
    public let maxDepth: Int
    @usableFromInline internal var depth: Int

    public init(bytes: UnsafeRawBufferPointer, maxDepth: Int = 64) {
        self.bytes = bytes
        self.offset = 0
        self.maxDepth = maxDepth
        self.depth = 0
    }

    /// Whether only whitespace remains.
    public mutating func isAtEnd() -> Bool {
        skipWhitespace()
        return offset >= bytes.count
    }

    /// Requires that nothing but whitespace follows the document.
    public mutating func finish() throws(JSONError) {
        skipWhitespace()
        if offset < bytes.count {
            throw JSONError(.trailingData, at: offset, "unexpected data after the JSON value")
        }
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                offset += 1
            default:
                return
            }
        }
    }

    /// The kind of the next value, without consuming it.
    public mutating func peekKind() throws(JSONError) -> JSONValueKind {
        skipWhitespace()
        guard offset < bytes.count else {
            throw JSONError(.unexpectedEnd, at: offset, "expected a JSON value but the input ended")
        }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        default:
            throw unexpectedCharacter("a JSON value")
        }
    }

    /// Consumes `null` if it is the next value.
    public mutating func readNullIfPresent() throws(JSONError) -> Bool {
        guard try peekKind() == .null else { return false }
        try expectLiteral("null")
        return true
    }

    public mutating func readBool() throws(JSONError) -> Bool {
        switch try peekKind() {
        case .bool:
            if bytes[offset] == UInt8(ascii: "t") {
                try expectLiteral("true")
                return true
            }
            try expectLiteral("false")
            return false
        default:
            throw unexpectedCharacter("true or false")
        }
    }

    public mutating func readNull() throws(JSONError) {
        guard try peekKind() == .null else { throw unexpectedCharacter("null") }
        try expectLiteral("null")
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
        if let error = literalError(literal, at: offset) { throw error }
        offset += literal.utf8CodeUnitCount
    }

    /// When the next value begins like `true`, `false` or `null` but is not that word followed by a
    /// delimiter, the syntax error; nil otherwise. A caller about to report "found boolean" asks this first,
    /// so a body such as `text=hello` or `trueish` is reported as what it is: not JSON, at its first byte.
    public func invalidLiteral() -> JSONError? {
        var start = offset
        while start < bytes.count && isWhitespace(bytes[start]) { start += 1 }
        guard start < bytes.count else { return nil }
        switch bytes[start] {
        case UInt8(ascii: "t"): return literalError("true", at: start)
        case UInt8(ascii: "f"): return literalError("false", at: start)
        case UInt8(ascii: "n"): return literalError("null", at: start)
        default: return nil
        }
    }

    /// nil when `literal` is at `start`, followed by a delimiter or the end.
    private func literalError(_ literal: StaticString, at start: Int) -> JSONError? {
        let count = literal.utf8CodeUnitCount
        let expected = literal.utf8Start
        var index = 0
        while index < count {
            guard start + index < bytes.count else {
                // A prefix cut short by the end of the input is a truncated document, not a foreign word.
                return JSONError(.unexpectedEnd, at: start + index, "expected \(literal) but the input ended")
            }
            if bytes[start + index] != expected[index] { break }
            index += 1
        }
        if index == count && (start + count == bytes.count || isDelimiter(bytes[start + count])) { return nil }
        return JSONError(.unexpectedCharacter, at: start, "expected a JSON value but found '\(word(at: start))'")
    }

    /// The printable run of bytes at `start` up to a delimiter, shortened, for an error message.
    private func word(at start: Int) -> String {
        let limit = 24
        var end = start
        while end < bytes.count && end - start < limit && bytes[end] > 0x20 && bytes[end] < 0x7F
            && !isDelimiter(bytes[end])
        {
            end += 1
        }
        let word = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        return end - start == limit ? word + "..." : word
    }

    /// An error for the byte at `offset` (or the end of input) when `expected` was wanted.
    func unexpectedCharacter(_ expected: String) -> JSONError {
        guard offset < bytes.count else {
            return JSONError(.unexpectedEnd, at: offset, "expected \(expected) but the input ended")
        }
        let byte = bytes[offset]
        let shown: String
        if byte >= 0x20 && byte < 0x7F {
            shown = "'\(Character(Unicode.Scalar(byte)))'"
        } else {
            shown = "byte 0x\(String(byte, radix: 16))"
        }
        return JSONError(.unexpectedCharacter, at: offset, "expected \(expected) but found \(shown)")
    }
}

/// What the next JSON value is, from its first byte.
public enum JSONValueKind: Sendable, Hashable, CustomStringConvertible {
    case object
    case array
    case string
    case number
    case bool
    case null

    public var description: String {
        switch self {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number: "number"
        case .bool: "boolean"
        case .null: "null"
        }
    }
}

// Borrows memory that is valid only inside a `withUnsafeReadableBytes` closure.
@available(*, unavailable)
extension JSONScanner: Sendable {}

/// Whether `byte` may follow a literal: whitespace, or what ends a container member.
@inline(__always)
func isDelimiter(_ byte: UInt8) -> Bool {
    isWhitespace(byte) || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}")
}

@inline(__always)
func isWhitespace(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
}
