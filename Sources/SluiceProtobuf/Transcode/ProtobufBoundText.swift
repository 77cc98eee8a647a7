import NIOCore
import SluiceJSON

/// Text bound from a request's path, query or headers, written as one value of a protobuf field, as
/// grpc-gateway converts path and query parameters: integers exactly (JSON number syntax, as inside JSON
/// strings: `12`, `-3`, `1e3`; range-checked), floats (also `NaN`, `Infinity`, `-Infinity`), bools as Go's
/// `strconv.ParseBool` takes them (`1 t T TRUE true True`, `0 f F FALSE false False`), strings as they are,
/// bytes as base64 (standard or URL-safe, padded or not), enums by name or number, `Timestamp` (RFC 3339),
/// `Duration` (`"1.5s"`), `FieldMask` (`"a.b,c"`) and the wrappers (their scalar).
///
/// Every value is written, zero included, and a message-valued one with all its fields: it follows the
/// body's bytes, so protobuf's merge lets it replace what the body set (a zero left out would leave the
/// body's value standing; a `Timestamp` without its `nanos` would keep the body's nanos).
enum ProtobufBoundText {
    /// Writes `text` as one value of `field`, with its tag (unpacked, for a repeated field's element).
    /// Errors carry only a message; the caller adds the source and the field path.
    static func write(
        _ text: String, as field: ProtobufFieldTable.Field, table: ProtobufFieldTable, schema: ProtobufSchema,
        into out: inout ProtobufWireWriter
    ) throws(ProtobufTranscodeError) {
        var text = text
        switch field.kind {
        case .string:
            out.tag(field.number, .lengthDelimited)
            out.varint(UInt64(text.utf8.count))
            out.buffer.writeString(text)
        case .bytes:
            let written = text.withUTF8 { utf8 -> Bool in
                let raw = UnsafeRawBufferPointer(utf8)
                guard let count = Base64.decodedCount(raw) else { return false }
                out.tag(field.number, .lengthDelimited)
                out.varint(UInt64(count))
                return Base64.decode(raw, into: &out.buffer)
            }
            guard written else { throw invalid(text, "base64 (standard or URL-safe)") }
        case .message, .group:
            let message = table.messages[Int(field.target)]
            guard let type = ProtobufWellKnownType(rawValue: message.wellKnown), type.takesText else {
                throw ProtobufTranscodeError(
                    .wrongType, "\(schema.messages[Int(field.target)].fullName) cannot be bound from text")
            }
            out.tag(field.number, .lengthDelimited)
            let mark = out.beginLength()
            try writeWellKnown(text, type, message, table: table, schema: schema, into: &out)
            out.endLength(mark)
        default:
            let bits = try scalarBits(text, field.kind, target: field.target, table: table, schema: schema)
            let wireType = field.kind.wireType
            out.tag(field.number, wireType)
            out.value(bits, wireType)
        }
    }

    /// A numeric, bool or enum value's wire bits.
    static func scalarBits(
        _ text: String, _ kind: ProtobufKind, target: Int32, table: ProtobufFieldTable, schema: ProtobufSchema
    ) throws(ProtobufTranscodeError) -> UInt64 {
        switch kind {
        case .bool:
            switch text {
            case "1", "t", "T", "TRUE", "true", "True": return 1
            case "0", "f", "F", "FALSE", "false", "False": return 0
            default: throw invalid(text, "a bool (true, false, 1, 0, t, f)")
            }
        case .float:
            return UInt64(Float(try floatingPoint(text, isFloat: true)).bitPattern)
        case .double:
            return try floatingPoint(text, isFloat: false).bitPattern
        case .enumeration:
            return UInt64(bitPattern: Int64(try enumNumber(text, target, table: table, schema: schema)))
        default:
            return try integer(text, kind)
        }
    }

    private static func integer(_ text: String, _ kind: ProtobufKind) throws(ProtobufTranscodeError) -> UInt64 {
        var copy = text
        let parsed = copy.withUTF8 { utf8 -> ExactInteger? in
            let raw = UnsafeRawBufferPointer(utf8)
            return ExactInteger.isJSONNumber(raw) ? ExactInteger.parse(raw) : nil
        }
        guard let parsed else { throw invalid(text, "an integer (\(kind))") }
        if case .fraction = parsed { throw invalid(text, "an integer (\(kind))") }
        guard let bits = parsed.wireBits(as: kind) else {
            throw ProtobufTranscodeError(.outOfRange, "\(quoted(text)) is out of range for \(kind)")
        }
        return bits
    }

    private static func floatingPoint(_ text: String, isFloat: Bool) throws(ProtobufTranscodeError) -> Double {
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: break
        }
        var copy = text
        let value = copy.withUTF8 { utf8 -> Double? in
            let raw = UnsafeRawBufferPointer(utf8)
            guard ExactInteger.isJSONNumber(raw) else { return nil }
            var scanner = JSONScanner(bytes: raw)
            guard let number = try? scanner.readNumber() else { return nil }
            return scanner.double(number)
        }
        guard let value else { throw invalid(text, "a number, NaN, Infinity or -Infinity") }
        // As for JSON: finite text must stay finite in the field's type.
        guard value.isFinite, !isFloat || Float(value).isFinite else {
            throw ProtobufTranscodeError(
                .outOfRange, "\(quoted(text)) is out of range for \(isFloat ? "float" : "double")")
        }
        return value
    }

    /// An enum value by name, or by number (an open enum keeps numbers it does not declare; a closed one does
    /// not). An unknown name is an error even when not strict: the value was given, and would be lost.
    private static func enumNumber(
        _ text: String, _ index: Int32, table: ProtobufFieldTable, schema: ProtobufSchema
    ) throws(ProtobufTranscodeError) -> Int32 {
        var copy = text
        let found = copy.withUTF8 { utf8 -> (name: Int32?, number: ExactInteger?) in
            let raw = UnsafeRawBufferPointer(utf8)
            if let number = table.enumNumber(named: raw, in: index) { return (number, nil) }
            return (nil, ExactInteger.isJSONNumber(raw) ? ExactInteger.parse(raw) : nil)
        }
        if let number = found.name { return number }
        let name = schema.enums[Int(index)].fullName
        guard let parsed = found.number, let bits = parsed.wireBits(as: .int32) else {
            throw invalid(text, "a name or number of enum \(name)")
        }
        let number = Int32(truncatingIfNeeded: bits)
        if table.enums[Int(index)].isClosed && table.enumValue(numbered: number, in: index) == nil {
            throw ProtobufTranscodeError(.invalidValue, "\(name) has no value \(number)")
        }
        return number
    }

    static func invalid(_ text: String, _ expected: String) -> ProtobufTranscodeError {
        ProtobufTranscodeError(.invalidValue, "expected \(expected) but found \(quoted(text))")
    }

    /// The text as a JSON string, so control characters and quotes in it cannot garble the message.
    static func quoted(_ text: String) -> String {
        var writer = JSONWriter(buffer: ByteBuffer())
        writer.string(text)
        return String(buffer: writer.buffer)
    }
}
