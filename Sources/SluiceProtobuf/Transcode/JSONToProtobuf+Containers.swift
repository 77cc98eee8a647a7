import NIOCore
import SluiceJSON

extension JSONToProtobuf {
    mutating func encodeRepeated(_ field: ProtobufFieldTable.Field) throws(ProtobufTranscodeError) {
        try expect(.array, "an array")
        var cursor = try beginArray()
        var element = 0
        if field.isPacked {
            let start = out.buffer.writerIndex
            out.tag(field.number, .lengthDelimited)
            let mark = out.beginLength()
            let wireType = field.kind.wireType
            while try nextElement(&cursor) {
                do throws(ProtobufTranscodeError) {
                    try rejectNull()
                    if let bits = try scalarBits(field) { out.value(bits, wireType) }
                } catch {
                    throw error.under(index: element)
                }
                element += 1
            }
            if out.buffer.writerIndex == mark + 1 {
                out.buffer.moveWriterIndex(to: start)  // no elements: no field
            } else {
                out.endLength(mark)
            }
            return
        }
        let nullable = acceptsNull(field)
        while try nextElement(&cursor) {
            do throws(ProtobufTranscodeError) {
                if !nullable { try rejectNull() }
                try encodeSingle(field, skipDefault: false)
            } catch {
                throw error.under(index: element)
            }
            element += 1
        }
    }

    mutating func encodeMap(_ field: ProtobufFieldTable.Field) throws(ProtobufTranscodeError) {
        let entry = table.messages[Int(field.target)]
        let keyField = table.field(0, of: entry)
        let valueField = table.field(1, of: entry)
        let nullable = acceptsNull(valueField)
        try expect(.object, "an object")
        var cursor = try beginObject()
        let keysMark = mapKeys.mark
        defer { mapKeys.pop(to: keysMark) }
        var manyKeys: Set<String>? = nil
        while let key = try nextKey(&cursor) {
            let start = out.buffer.writerIndex
            do throws(ProtobufTranscodeError) {
                if !nullable { try rejectNull() }
                out.tag(field.number, .lengthDelimited)
                let mark = out.beginLength()
                let value = try encodeMapKey(keyField, key)
                guard mapKeys.insert(value, mark: keysMark, large: &manyKeys, in: scanner) else {
                    throw ProtobufTranscodeError(.invalidValue, offset: key.quoteOffset, "the map has this key already")
                }
                let valueStart = out.buffer.writerIndex
                try encodeSingle(valueField, skipDefault: false)
                if valueField.kind == .enumeration && out.buffer.writerIndex == valueStart {
                    out.buffer.moveWriterIndex(to: start)  // an unknown enum name, ignored: no entry
                    continue
                }
                out.endLength(mark)
            } catch {
                throw error.under(key: scanner.decodedString(key))
            }
        }
    }

    /// A map key from its JSON key string: the text itself, or the integer or boolean it spells.
    private mutating func encodeMapKey(
        _ field: ProtobufFieldTable.Field, _ key: JSONStringToken
    ) throws(ProtobufTranscodeError) -> ProtobufMapKeys.Key {
        switch field.kind {
        case .string:
            out.tag(1, .lengthDelimited)
            out.varint(UInt64(key.decodedCount))
            scanner.write(key, into: &out.buffer)
            return .text(key)
        case .bool:
            let value: UInt64
            if scanner.string(key, equals: "true") {
                value = 1
            } else if scanner.string(key, equals: "false") {
                value = 0
            } else {
                throw ProtobufTranscodeError(.invalidValue, offset: key.quoteOffset, "a bool map key must be \"true\" or \"false\"")
            }
            out.tag(1, .varint)
            out.varint(value)
            return .bits(value)
        default:
            let parsed = integer(inString: key)
            let bits = try integerBits(parsed, kind: field.kind, offset: key.quoteOffset)
            out.tag(1, field.kind.wireType)
            out.value(bits, field.kind.wireType)
            return .bits(bits)
        }
    }
}
