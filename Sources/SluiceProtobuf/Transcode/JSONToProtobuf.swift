import NIOCore
import SluiceJSON

/// Writes protobuf straight from JSON tokens, one message level per call, with the schema's flat tables
/// deciding what each value must be. No tree: keys are matched as bytes against field names, values go from
/// the scanner to the wire writer, and the only per-message state is two small bitsets (fields and oneofs seen).
struct JSONToProtobuf {
    let schema: ProtobufSchema
    let table: ProtobufFieldTable
    let options: ProtobufTranscodeOptions
    var scanner: JSONScanner
    var out: ProtobufWireWriter
    /// The keys of the maps being read, for duplicates.
    var mapKeys = ProtobufMapKeys()

    /// Writes the fields of message `index` from the JSON value next in the scanner.
    mutating func encodeMessage(_ index: Int32) throws(ProtobufTranscodeError) {
        let message = table.messages[Int(index)]
        if message.wellKnown != 0, let wellKnown = ProtobufWellKnownType(rawValue: message.wellKnown) {
            try encodeWellKnown(wellKnown, index)
            return
        }
        let schema = self.schema
        try expect(.object, "an object for \(schema.messages[Int(index)].fullName)")
        try encodeObjectFields(index, skippingTypeKey: false)
    }

    /// The members of the object next in the scanner as fields of message `index`; with `skippingTypeKey`
    /// (an `Any`'s object), its `@type` is not a field.
    mutating func encodeObjectFields(_ index: Int32, skippingTypeKey: Bool) throws(ProtobufTranscodeError) {
        let message = table.messages[Int(index)]
        var cursor = try beginObject()
        var seen = ProtobufFieldSet()
        var oneofsSet = ProtobufFieldSet()
        var hint = 0
        while let key = try nextKey(&cursor) {
            let found: Int?
            if key.hasEscapes {
                found = scanner.withDecodedBytes(key) { table.index(ofName: $0, in: message, hint: hint) }
            } else {
                found = table.index(ofName: scanner.rawBytes(of: key), in: message, hint: hint)
            }
            guard let fieldIndex = found else {
                if skippingTypeKey && scanner.string(key, equals: "@type") {
                    try skipValue()
                    continue
                }
                if options.strict {
                    let name = scanner.decodedString(key)
                    throw ProtobufTranscodeError(
                        .unknownField, offset: key.quoteOffset,
                        "\(schema.messages[Int(index)].fullName) has no field '\(name)'"
                    ).under(field: name)
                }
                try skipValue()
                continue
            }
            hint = fieldIndex + 1
            let field = table.field(fieldIndex, of: message)
            if try peek() == .null && (field.isRepeated || !acceptsNull(field)) {
                try skipValue()  // null is the default: as if absent
                continue
            }
            if seen.contains(fieldIndex) {
                throw ProtobufTranscodeError(.invalidValue, offset: key.quoteOffset, "the field is given twice")
                    .under(field: fieldName(index, fieldIndex))
            }
            seen.insert(fieldIndex)
            if field.oneof >= 0 {
                if oneofsSet.contains(Int(field.oneof)) {
                    let oneof = schema.messages[Int(index)].oneofs[Int(field.oneof)]
                    throw ProtobufTranscodeError(
                        .oneofConflict, offset: key.quoteOffset, "oneof '\(oneof)' already has a member set"
                    ).under(field: fieldName(index, fieldIndex))
                }
                oneofsSet.insert(Int(field.oneof))
            }
            do throws(ProtobufTranscodeError) {
                try encodeField(field)
            } catch {
                throw error.under(field: fieldName(index, fieldIndex))
            }
        }
        if message.hasRequired {
            for fieldIndex in 0..<Int(message.fieldCount)
            where table.field(fieldIndex, of: message).isRequired && !seen.contains(fieldIndex) {
                throw ProtobufTranscodeError(.missingRequired, offset: cursor.start, "required field is missing")
                    .under(field: fieldName(index, fieldIndex))
            }
        }
    }

    /// The name errors use for a field: its JSON name.
    func fieldName(_ message: Int32, _ field: Int) -> String {
        schema.messages[Int(message)].fields[field].jsonName
    }

    /// JSON `null` is a value, not absence, for `google.protobuf.Value` and `NullValue` fields.
    @inline(__always)
    func acceptsNull(_ field: ProtobufFieldTable.Field) -> Bool {
        switch field.kind {
        case .message: table.messages[Int(field.target)].wellKnown == ProtobufWellKnownType.value.rawValue
        case .enumeration: field.target == table.nullValueEnum
        default: false
        }
    }

    @inline(__always)
    mutating func encodeField(_ field: ProtobufFieldTable.Field) throws(ProtobufTranscodeError) {
        if field.isMap {
            try encodeMap(field)
        } else if field.isRepeated {
            try encodeRepeated(field)
        } else {
            try encodeSingle(field, skipDefault: !field.hasPresence)
        }
    }

    /// One value of `field` with its tag. With `skipDefault` (proto3 fields without presence), a zero,
    /// empty string or empty bytes is not written: readers could not tell it from absence anyway.
    mutating func encodeSingle(_ field: ProtobufFieldTable.Field, skipDefault: Bool) throws(ProtobufTranscodeError) {
        switch field.kind {
        case .message:
            out.tag(field.number, .lengthDelimited)
            let mark = out.beginLength()
            try encodeMessage(field.target)
            out.endLength(mark)
        case .group:
            out.tag(field.number, .startGroup)
            try encodeMessage(field.target)
            out.tag(field.number, .endGroup)
        case .string:
            try expect(.string, "a string")
            let token = try readString()
            if skipDefault && token.decodedCount == 0 { return }
            out.tag(field.number, .lengthDelimited)
            out.varint(UInt64(token.decodedCount))
            scanner.write(token, into: &out.buffer)
        case .bytes:
            try encodeBytes(field.number, skipDefault: skipDefault)
        default:
            guard let bits = try scalarBits(field) else { return }
            if skipDefault && bits == 0 { return }
            let wireType = field.kind.wireType
            out.tag(field.number, wireType)
            out.value(bits, wireType)
        }
    }

    private mutating func encodeBytes(_ number: Int32, skipDefault: Bool) throws(ProtobufTranscodeError) {
        try expect(.string, "a base64 string")
        let token = try readString()
        try scanner.withDecodedBytes(token) { (text) throws(ProtobufTranscodeError) in
            guard let count = Base64.decodedCount(text) else {
                throw ProtobufTranscodeError(.invalidValue, offset: token.quoteOffset, "invalid base64")
            }
            if skipDefault && count == 0 { return }
            out.tag(number, .lengthDelimited)
            out.varint(UInt64(count))
            guard Base64.decode(text, into: &out.buffer) else {
                throw ProtobufTranscodeError(.invalidValue, offset: token.quoteOffset, "invalid base64")
            }
        }
    }
}
