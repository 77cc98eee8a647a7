import SluiceJSON

extension ProtobufToJSON {
    /// The field at `path` (field indices, outermost first, every step but the last a singular message
    /// field) of message `index` held in `bytes[range]`, as a bare JSON value: a message as its object (or
    /// its well-known form), a repeated field as an array, a map as an object, a scalar as its JSON value.
    ///
    /// The message is read as protobuf reads it: a singular field given several times is its last value, a
    /// singular message's occurrences merged, only the last-set member of a oneof. An absent field is `{}` for
    /// a message (as grpc-gateway's marshaller writes a nil message), `[]` for a repeated field and `{}` for a
    /// map (grpc-gateway's default marshaller emits unpopulated fields, so its lists are `[]`, not `null`), and
    /// the default value for a scalar (in the canonical JSON form: grpc-gateway passes a bare scalar to Go's
    /// `encoding/json`, which would print a 64-bit integer as a number; here it stays a string, as everywhere
    /// else in the protobuf JSON mapping). A message absent on the way is an empty one.
    mutating func writeField(
        at path: ArraySlice<Int>, of index: Int32, _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int,
        canonical: Bool = false
    ) throws(ProtobufTranscodeError) {
        guard let fieldIndex = path.first else { return }
        guard depth > 0 else {
            throw ProtobufTranscodeError(.tooDeep, offset: range.lowerBound, "messages nest deeper than the limit")
        }
        let message = table.messages[Int(index)]
        if !canonical && !isWellOrdered(message, bytes, range, depth: depth) {
            try withCanonical(message, bytes, range, depth: depth) { (this, copy) throws(ProtobufTranscodeError) in
                try this.writeField(at: path, of: index, copy, 0..<copy.count, depth: depth, canonical: true)
            }
            return
        }
        let field = table.field(fieldIndex, of: message)
        do throws(ProtobufTranscodeError) {
            if path.count > 1 {
                // Well ordered: a singular message occurs once at most.
                var inner = range.upperBound..<range.upperBound
                var reader = ProtobufWireReader(bytes: bytes, range: range)
                while !reader.isAtEnd {
                    let (number, wireType) = try reader.tag()
                    if number == field.number && wireType == field.kind.wireType && field.kind == .group {
                        inner = try reader.group(number, depth: depth)
                    } else if number == field.number && wireType == field.kind.wireType {
                        inner = try reader.lengthDelimited()
                    } else {
                        try reader.skip(wireType, number: number, depth: depth)
                    }
                }
                try writeField(at: path.dropFirst(), of: field.target, bytes, inner, depth: depth - 1)
                return
            }
            try writeOnly(field, bytes, range, depth: depth)
        } catch {
            throw error.under(field: schema.messages[Int(index)].fields[fieldIndex].jsonName)
        }
    }

    /// `field`'s value alone, from a well-ordered message.
    private mutating func writeOnly(
        _ field: ProtobufFieldTable.Field, _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int
    ) throws(ProtobufTranscodeError) {
        pending = .none
        if field.isRepeated {
            if field.isMap { json.beginObject() } else { json.beginArray() }
        }
        var written = false
        var reader = ProtobufWireReader(bytes: bytes, range: range)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.tag()
            guard number == field.number else {
                try reader.skip(wireType, number: number, depth: depth)
                continue
            }
            if field.isRepeated {
                try writeRepeated(field, wireType, &reader, depth: depth)
            } else if try writeValue(field, wireType, &reader, depth: depth, skipDefault: false) {
                written = true
            }
        }
        if field.isRepeated {
            if field.isMap { json.endObject() } else { json.endArray() }
        } else if !written {
            if field.kind == .message || field.kind == .group {
                json.beginObject()
                json.endObject()
            } else {
                try writeDefault(field, depth: depth)
            }
        }
    }
}
