import NIOCore
import SluiceJSON

extension JSONToThrift {
    /// An integer of `type` (i8...i64 or an enum's i32): a JSON number; for i64 also a string of digits.
    /// A number written with a fraction or exponent is accepted when its exact decimal value is a whole
    /// number (`1.0`, `1e3`); nothing is rounded. `known` is the value's kind when the caller already peeked it.
    /// An integer of `type`: a JSON number, or a string of digits for an i64 (or any integer type with
    /// `acceptingStrings`, for `api.js_conv`).
    mutating func readInteger(
        _ type: ThriftType, kind known: JSONValueKind? = nil, acceptingStrings: Bool = false
    ) throws(TranscodeError) -> Int64 {
        let kind: JSONValueKind
        if let known { kind = known } else { kind = try peekKind() }
        switch kind {
        case .number:
            let token = try readNumber()
            let parsed = scanner.integer(token)
            if case .invalid = parsed {
                let text = String(decoding: scanner.rawBytes(of: token), as: UTF8.self)
                throw TranscodeError(
                    .wrongType, offset: token.start,
                    "expected \(schema.displayName(of: type)) but found fractional number \(text)")
            }
            return try checkInteger(parsed, type, offset: token.start)
        case .string where type == .i64 || acceptingStrings:
            let token = try readString()
            let parsed = scanner.withDecodedBytes(token) { IntegerText.parse($0) }
            if case .invalid = parsed {
                throw TranscodeError(
                    .wrongType, offset: token.quoteOffset,
                    "expected \(schema.displayName(of: type)) but found string \"\(scanner.decodedString(token))\"")
            }
            return try checkInteger(parsed, type, offset: token.quoteOffset)
        default:
            throw wrongType(type, found: kind)
        }
    }

    func checkInteger(_ parsed: IntegerText, _ type: ThriftType, offset: Int?) throws(TranscodeError) -> Int64 {
        let range = type.integerRange ?? Int64.min...Int64.max
        switch parsed {
        case .value(let value):
            guard range.contains(value) else {
                throw TranscodeError(
                    .outOfRange, offset: offset,
                    "\(value) is out of range for \(schema.displayName(of: type)) (\(range.lowerBound)...\(range.upperBound))")
            }
            return value
        case .overflow:
            throw TranscodeError(.outOfRange, offset: offset, "number is out of range for \(schema.displayName(of: type))")
        case .invalid:
            throw TranscodeError(.wrongType, offset: offset, "expected \(schema.displayName(of: type))")
        }
    }

    /// A double: a JSON number, or one of the strings "NaN", "Infinity", "-Infinity".
    mutating func readDouble(kind known: JSONValueKind? = nil) throws(TranscodeError) -> Double {
        let kind: JSONValueKind
        if let known { kind = known } else { kind = try peekKind() }
        switch kind {
        case .number:
            let token = try readNumber()
            let value = scanner.double(token)
            if !value.isFinite { throw doubleOutOfRange(scanner.rawBytes(of: token), offset: token.start) }
            return value
        case .string:
            let token = try readString()
            let text = scanner.decodedString(token)
            guard let value = specialDouble(text) else {
                throw TranscodeError(
                    .wrongType, offset: token.quoteOffset,
                    "expected double but found string \"\(text)\" (only \"NaN\", \"Infinity\" and \"-Infinity\" are allowed)")
            }
            return value
        default:
            throw wrongType(.double, found: kind)
        }
    }

    /// An enum value: its number, or its name. `type` is `.enumeration(id)`, passed in so no new (boxed)
    /// `ThriftType` is built per value.
    mutating func readEnum(_ id: EnumID, type: ThriftType, kind known: JSONValueKind? = nil) throws(TranscodeError) -> Int32 {
        let kind: JSONValueKind
        if let known { kind = known } else { kind = try peekKind() }
        switch kind {
        case .number:
            return Int32(truncatingIfNeeded: try readInteger(type))
        case .string:
            let token = try readString()
            let scanner = self.scanner
            return try scanner.withDecodedBytes(token) { bytes throws(TranscodeError) in
                try enumValue(text: bytes, id, offset: token.quoteOffset)
            }
        default:
            throw wrongType(type, found: kind)
        }
    }

    /// The value named `text` in enum `id`, or the number `text` spells.
    func enumValue(text: UnsafeRawBufferPointer, _ id: EnumID, offset: Int?) throws(TranscodeError) -> Int32 {
        let descriptor = schema[id]
        for value in descriptor.values where value.name.utf8.elementsEqual(text) {
            return value.value
        }
        if case .value(let number) = IntegerText.parse(text), let value = Int32(exactly: number) {
            return value
        }
        throw TranscodeError(
            .invalidValue, offset: offset,
            "\"\(String(decoding: text, as: UTF8.self))\" is not a value of enum \(descriptor.name)")
    }

    mutating func writeBase64(_ token: JSONStringToken) throws(TranscodeError) {
        let scanner = self.scanner
        try scanner.withDecodedBytes(token) { text throws(TranscodeError) in
            guard let count = Base64.decodedCount(text) else {
                throw TranscodeError(.invalidValue, offset: token.quoteOffset, "invalid base64 (bad length)")
            }
            writer.writeBinaryLength(count)
            guard writer.withBuffer({ Base64.decode(text, into: &$0) }) else {
                throw TranscodeError(.invalidValue, offset: token.quoteOffset, "invalid base64 character")
            }
        }
    }

    mutating func writeUUID(_ token: JSONStringToken) throws(TranscodeError) {
        let scanner = self.scanner
        try scanner.withDecodedBytes(token) { text throws(TranscodeError) in try writeUUID(text: text, offset: token.quoteOffset) }
    }

    mutating func writeUUID(text: UnsafeRawBufferPointer, offset: Int?) throws(TranscodeError) {
        let valid = withUnsafeTemporaryAllocation(byteCount: 16, alignment: 1) { raw in
            guard UUIDText.parse(text, into: raw) else { return false }
            writer.writeUUID(UnsafeRawBufferPointer(raw))
            return true
        }
        if !valid {
            throw TranscodeError(
                .invalidValue, offset: offset,
                "\"\(String(decoding: text, as: UTF8.self))\" is not a UUID (8-4-4-4-12 hex digits)")
        }
    }
}

/// "NaN", "Infinity" and "-Infinity", the strings JSON uses for doubles it has no numbers for.
func specialDouble(_ text: String) -> Double? {
    switch text {
    case "NaN": .nan
    case "Infinity": .infinity
    case "-Infinity": -.infinity
    default: nil
    }
}

/// A double from text: JSON number syntax, or a special value; nil for anything else. A number too large
/// for a double is an out-of-range error (the `Infinity` spelling is the only way to ask for infinity).
func parseDouble(_ text: String, offset: Int?) throws(TranscodeError) -> Double? {
    if let special = specialDouble(text) { return special }
    var text = text
    let value = text.withUTF8 { utf8 -> Double? in
        var scanner = JSONScanner(bytes: UnsafeRawBufferPointer(utf8))
        guard let token = try? scanner.readNumber(), scanner.offset == utf8.count else { return nil }
        return scanner.double(token)
    }
    if let value, !value.isFinite { throw doubleOutOfRange(Array(text.utf8), offset: offset) }
    return value
}

/// A number whose magnitude is beyond `Double.greatestFiniteMagnitude`: a 400 rather than a silent infinity.
/// (Numbers too small for a double become 0, as everywhere.)
func doubleOutOfRange(_ text: some Collection<UInt8>, offset: Int?) -> TranscodeError {
    let shown = text.count > 40 ? String(decoding: text.prefix(40), as: UTF8.self) + "..." : String(decoding: text, as: UTF8.self)
    return TranscodeError(.outOfRange, offset: offset, "\(shown) is out of range for double")
}
