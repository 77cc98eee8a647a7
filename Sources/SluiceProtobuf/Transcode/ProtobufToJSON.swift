import SluiceJSON

/// Writes JSON straight from protobuf bytes, the schema naming fields and choosing representations.
///
/// Protobuf lets a writer repeat a singular field (the last wins, messages merge), interleave a repeated
/// field with others, set several members of a oneof and repeat a map key (as concatenating two messages,
/// protobuf's merge, does); JSON needs each field and key once. Every writer that
/// serializes from a message object does none of that, so each message is first checked in one pass over its
/// tags (``isWellOrdered``) and then streamed to JSON; only a message that does any of it is first rewritten
/// into the form such a writer would give (``canonicalize``). Fields the schema does not know, or whose wire
/// type is not the declared one, are skipped, as protobuf readers keep them as unknown fields.
struct ProtobufToJSON {
    let schema: ProtobufSchema
    let table: ProtobufFieldTable
    let options: ProtobufTranscodeOptions
    var json: JSONWriter
    /// A member key not yet written: it is written just before the first value that is, so that an empty
    /// packed run, or values a closed enum does not know, leave no member behind.
    var pending: Pending = .none
    /// The keys of the map run ``isWellOrdered`` is checking, kept between messages for its capacity.
    var mapKeyScratch: [BinaryMapKey] = []
    /// How many bytes of rewritten messages may be alive at once (each nested rewrite holds a copy of its
    /// message while the ones inside it are rewritten too): without a bound, a deep chain of out-of-order
    /// messages would hold about depth × input size.
    var rewriteBudget = 1 << 20

    enum Pending {
        case none
        case key(ProtobufFieldTable.TextRange)
        case array(ProtobufFieldTable.TextRange)
        case object(ProtobufFieldTable.TextRange)
    }

    /// Message `index` held in `bytes[range]` as a JSON value: an object, or a well-known type's special form.
    mutating func writeMessage(
        _ index: Int32, _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int
    ) throws(ProtobufTranscodeError) {
        guard depth > 0 else {
            throw ProtobufTranscodeError(.tooDeep, offset: range.lowerBound, "messages nest deeper than the limit")
        }
        let message = table.messages[Int(index)]
        guard message.wellKnown != 0, let type = ProtobufWellKnownType(rawValue: message.wellKnown) else {
            json.beginObject()
            try writeMembers(index, bytes, range, depth: depth)
            json.endObject()
            return
        }
        if isWellOrdered(message, bytes, range, depth: depth) {
            try writeWellKnown(type, index, bytes, range, depth: depth)
            return
        }
        try withCanonical(message, bytes, range, depth: depth) { (this, copy) throws(ProtobufTranscodeError) in
            try this.writeWellKnown(type, index, copy, 0..<copy.count, depth: depth)
        }
    }

    /// The fields of message `index` as object members, without braces.
    mutating func writeMembers(
        _ index: Int32, _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int, canonical: Bool = false
    ) throws(ProtobufTranscodeError) {
        let message = table.messages[Int(index)]
        if !canonical && !isWellOrdered(message, bytes, range, depth: depth) {
            try withCanonical(message, bytes, range, depth: depth) { (this, copy) throws(ProtobufTranscodeError) in
                try this.writeMembers(index, copy, 0..<copy.count, depth: depth, canonical: true)
            }
            return
        }
        var reader = ProtobufWireReader(bytes: bytes, range: range)
        var seen = ProtobufFieldSet()
        // The repeated field whose array (or map object) is open, -1 for none.
        var open = -1
        var hint = 0
        while !reader.isAtEnd {
            let (number, wireType) = try reader.tag()
            guard let fieldIndex = table.index(ofNumber: number, in: message, hint: hint) else {
                try reader.skip(wireType, number: number, depth: depth)
                continue
            }
            hint = fieldIndex
            let field = table.field(fieldIndex, of: message)
            if open >= 0 && open != fieldIndex {
                if close(table.field(open, of: message)) { seen.insert(open) }
                open = -1
            }
            do throws(ProtobufTranscodeError) {
                if field.isRepeated {
                    if open != fieldIndex {
                        open = fieldIndex
                        let key = self.key(field)
                        pending = field.isMap ? .object(key) : .array(key)
                    }
                    try writeRepeated(field, wireType, &reader, depth: depth)
                } else {
                    pending = .key(key(field))
                    if try writeValue(field, wireType, &reader, depth: depth, skipDefault: !field.hasPresence) {
                        seen.insert(fieldIndex)
                    }
                    pending = .none
                }
            } catch {
                throw error.under(field: schema.messages[Int(index)].fields[fieldIndex].jsonName)
            }
        }
        if open >= 0 && close(table.field(open, of: message)) { seen.insert(open) }
        if message.hasRequired {
            // As protobuf's own parsers do: a proto2 message without its required fields does not parse.
            for fieldIndex in 0..<Int(message.fieldCount)
            where table.field(fieldIndex, of: message).isRequired && !seen.contains(fieldIndex) {
                throw ProtobufTranscodeError(.missingRequired, offset: range.lowerBound, "required field is missing")
                    .under(field: schema.messages[Int(index)].fields[fieldIndex].jsonName)
            }
        }
        if options.emitDefaults { try writeDefaults(message, seen: seen, depth: depth) }
    }

    /// Ends the open array or map object of `field`; false (and its key forgotten) if nothing was written.
    private mutating func close(_ field: ProtobufFieldTable.Field) -> Bool {
        switch pending {
        case .array, .object:
            pending = .none
            return false
        default:
            if field.isMap { json.endObject() } else { json.endArray() }
            return true
        }
    }

    @inline(__always)
    func key(_ field: ProtobufFieldTable.Field) -> ProtobufFieldTable.TextRange {
        options.preserveProtoFieldNames ? field.protoKey : field.jsonKey
    }

    /// Writes the pending key, and opens the pending array or object.
    @inline(__always)
    mutating func flushPending() {
        switch pending {
        case .none:
            return
        case .key(let key):
            json.rawKey(table.bytes(key))
        case .array(let key):
            json.rawKey(table.bytes(key))
            json.beginArray()
        case .object(let key):
            json.rawKey(table.bytes(key))
            json.beginObject()
        }
        pending = .none
    }
}
