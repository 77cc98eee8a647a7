import SluiceJSON

extension JSONToProtobuf {
    /// The fields of a well-known type from its special JSON form.
    mutating func encodeWellKnown(_ type: ProtobufWellKnownType, _ index: Int32) throws(ProtobufTranscodeError) {
        let message = table.messages[Int(index)]
        switch type {
        case .timestamp, .duration:
            try expect(.string, type == .timestamp ? "an RFC 3339 timestamp string" : "a duration string such as \"1.5s\"")
            let token = try readString()
            let parsed = scanner.withDecodedBytes(token) { text in
                type == .timestamp ? TimeText.parseTimestamp(text) : TimeText.parseDuration(text)
            }
            guard let (seconds, nanos) = parsed else {
                let what = type == .timestamp
                    ? "an RFC 3339 timestamp between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z"
                    : "a duration such as \"1.5s\" within ±315576000000s"
                throw ProtobufTranscodeError(.invalidValue, offset: token.quoteOffset, "expected \(what)")
            }
            if seconds != 0 {
                out.tag(1, .varint)
                out.varint(UInt64(bitPattern: seconds))
            }
            if nanos != 0 {
                out.tag(2, .varint)
                out.varint(UInt64(bitPattern: Int64(nanos)))
            }
        case .fieldMask:
            try expect(.string, "a field mask string such as \"a.b,cD\"")
            let token = try readString()
            try encodeFieldMask(token)
        case .structure:
            try encodeStruct(index)
        case .value:
            try encodeValue(index)
        case .listValue:
            try expect(.array, "an array")
            let valueIndex = table.field(0, of: message).target
            var cursor = try beginArray()
            var element = 0
            while try nextElement(&cursor) {
                out.tag(1, .lengthDelimited)
                let mark = out.beginLength()
                do throws(ProtobufTranscodeError) { try encodeValue(valueIndex) } catch { throw error.under(index: element) }
                out.endLength(mark)
                element += 1
            }
        case .any:
            try encodeAny(index)
        default:
            // A wrapper: the bare value is its field 1, which has no presence of its own.
            try encodeSingle(table.field(0, of: message), skipDefault: true)
        }
    }

    /// `{"k": value, ...}` as `Struct`'s `map<string, Value> fields = 1`.
    private mutating func encodeStruct(_ index: Int32) throws(ProtobufTranscodeError) {
        try expect(.object, "an object")
        let entry = table.messages[Int(table.field(0, of: table.messages[Int(index)]).target)]
        let valueIndex = table.field(1, of: entry).target
        var cursor = try beginObject()
        let keysMark = mapKeys.mark
        defer { mapKeys.pop(to: keysMark) }
        var manyKeys: Set<String>? = nil
        while let key = try nextKey(&cursor) {
            guard mapKeys.insert(.text(key), mark: keysMark, large: &manyKeys, in: scanner) else {
                throw ProtobufTranscodeError(.invalidValue, offset: key.quoteOffset, "the object has this key already")
                    .under(key: scanner.decodedString(key))
            }
            out.tag(1, .lengthDelimited)
            let mark = out.beginLength()
            out.tag(1, .lengthDelimited)
            out.varint(UInt64(key.decodedCount))
            scanner.write(key, into: &out.buffer)
            out.tag(2, .lengthDelimited)
            let valueMark = out.beginLength()
            do throws(ProtobufTranscodeError) {
                try encodeValue(valueIndex)
            } catch {
                throw error.under(key: scanner.decodedString(key))
            }
            out.endLength(valueMark)
            out.endLength(mark)
        }
    }

    /// Any JSON value as `google.protobuf.Value`'s `kind` oneof.
    mutating func encodeValue(_ index: Int32) throws(ProtobufTranscodeError) {
        let message = table.messages[Int(index)]
        switch try peek() {
        case .null:
            try readNull()
            out.tag(1, .varint)
            out.varint(0)
        case .number:
            let offset = scanner.offset
            let value = scanner.double(try readNumber())
            guard value.isFinite else {
                throw ProtobufTranscodeError(.outOfRange, offset: offset, "value out of range for double")
            }
            out.tag(2, .fixed64)
            out.fixed64(value.bitPattern)
        case .string:
            let token = try readString()
            out.tag(3, .lengthDelimited)
            out.varint(UInt64(token.decodedCount))
            scanner.write(token, into: &out.buffer)
        case .bool:
            out.tag(4, .varint)
            out.varint(try readBool() ? 1 : 0)
        case .object:
            guard let field = table.index(ofNumber: 5, in: message, hint: 4) else { return }
            out.tag(5, .lengthDelimited)
            let mark = out.beginLength()
            try encodeStruct(table.field(field, of: message).target)
            out.endLength(mark)
        case .array:
            guard let field = table.index(ofNumber: 6, in: message, hint: 5) else { return }
            out.tag(6, .lengthDelimited)
            let mark = out.beginLength()
            try encodeWellKnown(.listValue, table.field(field, of: message).target)
            out.endLength(mark)
        }
    }

    /// `"fooBar.baz,qux"` as `paths: ["foo_bar.baz", "qux"]`: each upper-case letter becomes `_` and its
    /// lower case; a path may not hold `_` itself (it could not come back the same).
    private mutating func encodeFieldMask(_ token: JSONStringToken) throws(ProtobufTranscodeError) {
        try scanner.withDecodedBytes(token) { (text) throws(ProtobufTranscodeError) in
            guard !text.isEmpty else { return }
            var start = 0
            while start <= text.count {
                var end = start
                var upper = 0
                while end < text.count && text[end] != UInt8(ascii: ",") {
                    let byte = text[end]
                    if byte == UInt8(ascii: "_") {
                        throw ProtobufTranscodeError(
                            .invalidValue, offset: token.quoteOffset, "a field mask path must be lowerCamel, without '_'")
                    }
                    if byte &- UInt8(ascii: "A") < 26 { upper += 1 }
                    end += 1
                }
                out.tag(1, .lengthDelimited)
                out.varint(UInt64(end - start + upper))
                out.buffer.appendRaw(capacity: end - start + upper) { output in
                    var count = 0
                    for index in start..<end {
                        let byte = text[index]
                        if byte &- UInt8(ascii: "A") < 26 {
                            output.put(UInt8(ascii: "_"), &count)
                            output.put(byte | 0x20, &count)
                        } else {
                            output.put(byte, &count)
                        }
                    }
                    return count
                }
                start = end + 1
            }
        }
    }
}
