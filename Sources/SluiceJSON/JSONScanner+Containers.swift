/// Where an object or array iteration stands: before its first member, or after one.
public struct JSONContainerCursor: Sendable {
    @usableFromInline var isFirst: Bool = true
    /// Offset of the opening bracket, for errors about the whole container.
    public let start: Int
}

extension JSONScanner {
    /// Consumes `{`.
    public mutating func beginObject() throws(JSONError) -> JSONContainerCursor {
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "{") else { throw unexpectedCharacter("'{'") }
        return try enterContainer()
    }

    /// Consumes `[`.
    public mutating func beginArray() throws(JSONError) -> JSONContainerCursor {
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "[") else { throw unexpectedCharacter("'['") }
        return try enterContainer()
    }

    private mutating func enterContainer() throws(JSONError) -> JSONContainerCursor {
        guard depth < maxDepth else {
            throw JSONError(.tooDeep, at: offset, "JSON nesting exceeds the limit of \(maxDepth)")
        }
        depth += 1
        let cursor = JSONContainerCursor(start: offset)
        offset += 1
        return cursor
    }

    /// Reads the next member's key and its `:`; nil once `}` is consumed. Rejects trailing commas.
    public mutating func nextKey(_ cursor: inout JSONContainerCursor) throws(JSONError) -> JSONStringToken? {
        skipWhitespace()
        guard offset < bytes.count else {
            throw JSONError(.unexpectedEnd, at: offset, "expected '}' but the input ended")
        }
        if cursor.isFirst {
            cursor.isFirst = false
            if bytes[offset] == UInt8(ascii: "}") {
                offset += 1
                depth -= 1
                return nil
            }
        } else {
            switch bytes[offset] {
            case UInt8(ascii: "}"):
                offset += 1
                depth -= 1
                return nil
            case UInt8(ascii: ","):
                offset += 1
                skipWhitespace()
            default:
                throw unexpectedCharacter("',' or '}'")
            }
        }
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
            throw unexpectedCharacter("a string key")
        }
        let key = try readString()
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw unexpectedCharacter("':'") }
        offset += 1
        return key
    }

    /// Moves to the next element; false once `]` is consumed. Rejects trailing commas.
    public mutating func nextElement(_ cursor: inout JSONContainerCursor) throws(JSONError) -> Bool {
        skipWhitespace()
        guard offset < bytes.count else {
            throw JSONError(.unexpectedEnd, at: offset, "expected ']' but the input ended")
        }
        if cursor.isFirst {
            cursor.isFirst = false
            if bytes[offset] == UInt8(ascii: "]") {
                offset += 1
                depth -= 1
                return false
            }
            return true
        }
        switch bytes[offset] {
        case UInt8(ascii: "]"):
            offset += 1
            depth -= 1
            return false
        case UInt8(ascii: ","):
            offset += 1
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
                throw unexpectedCharacter("a value after ','")
            }
            return true
        default:
            throw unexpectedCharacter("',' or ']'")
        }
    }

    /// Consumes the next value whatever it is, validating it fully.
    public mutating func skipValue() throws(JSONError) {
        switch try peekKind() {
        case .object:
            var cursor = try beginObject()
            while try nextKey(&cursor) != nil {
                try skipValue()
            }
        case .array:
            var cursor = try beginArray()
            while try nextElement(&cursor) {
                try skipValue()
            }
        case .string:
            _ = try readString()
        case .number:
            _ = try readNumber()
        case .bool:
            _ = try readBool()
        case .null:
            try readNull()
        }
    }
}
