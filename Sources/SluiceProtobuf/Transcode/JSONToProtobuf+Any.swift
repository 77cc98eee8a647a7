import SluiceJSON

extension JSONToProtobuf {
    /// `{"@type": "type.googleapis.com/pkg.Msg", ...fields}` (or `..., "value": <special JSON>}` for a
    /// well-known type) as `Any`'s `type_url = 1` and `value = 2`, the type resolved from the schema.
    mutating func encodeAny(_ index: Int32) throws(ProtobufTranscodeError) {
        try expect(.object, "an object with \"@type\"")
        let objectStart = scanner.offset
        // `@type` may come after the fields, which cannot be read before the type is known: look ahead.
        var probe = scanner
        var typeToken: JSONStringToken? = nil
        var typeNotString: Int? = nil
        var isEmpty = true
        do throws(JSONError) {
            var cursor = try probe.beginObject()
            while let key = try probe.nextKey(&cursor) {
                isEmpty = false
                if probe.string(key, equals: "@type") {
                    if try probe.peekKind() == .string {
                        typeToken = try probe.readString()
                    } else {
                        typeNotString = probe.offset
                    }
                    break
                }
                try probe.skipValue()
            }
        } catch {
            throw ProtobufTranscodeError(error)
        }
        if let typeNotString {
            throw ProtobufTranscodeError(.wrongType, offset: typeNotString, "\"@type\" must be a string").under(field: "@type")
        }
        guard let typeToken else {
            if isEmpty {
                var cursor = try beginObject()
                _ = try nextKey(&cursor)
                return
            }
            throw ProtobufTranscodeError(.invalidValue, offset: objectStart, "an Any needs \"@type\"")
        }
        let found = scanner.withDecodedBytes(typeToken) { url -> ProtobufMessageID? in
            var nameStart = 0
            for (position, byte) in url.enumerated() where byte == UInt8(ascii: "/") { nameStart = position + 1 }
            return table.message(named: UnsafeRawBufferPointer(rebasing: url[nameStart...]))
        }
        guard let inner = found else {
            throw ProtobufTranscodeError(
                .invalidValue, offset: typeToken.quoteOffset,
                "no message type '\(scanner.decodedString(typeToken))' is loaded").under(field: "@type")
        }
        out.tag(1, .lengthDelimited)
        out.varint(UInt64(typeToken.decodedCount))
        scanner.write(typeToken, into: &out.buffer)
        out.tag(2, .lengthDelimited)
        let mark = out.beginLength()
        let innerIndex = Int32(inner.index)
        let wellKnown = table.messages[inner.index].wellKnown
        if wellKnown != 0, let type = ProtobufWellKnownType(rawValue: wellKnown) {
            var cursor = try beginObject()
            while let key = try nextKey(&cursor) {
                if scanner.string(key, equals: "value") {
                    do throws(ProtobufTranscodeError) { try encodeWellKnown(type, innerIndex) } catch {
                        throw error.under(field: "value")
                    }
                } else if scanner.string(key, equals: "@type") || !options.strict {
                    try skipValue()
                } else {
                    let name = scanner.decodedString(key)
                    throw ProtobufTranscodeError(.unknownField, offset: key.quoteOffset, "an Any of a well-known type has only \"@type\" and \"value\"")
                        .under(field: name)
                }
            }
        } else {
            try encodeObjectFields(innerIndex, skippingTypeKey: true)
        }
        out.endLength(mark)
    }
}
