import NIOCore
import SluiceJSON

/// Writes Thrift straight from JSON tokens, one struct level per call, with the descriptors deciding what
/// each value must be. Generic over the protocol so each gets a specialised copy.
///
/// No tree is built: keys are matched as bytes against field names, values go from the scanner to the
/// writer, and the only per-struct state is a bitset of the fields written (for duplicates, required
/// fields, defaults and unions).
struct JSONToThrift<Writer: ThriftProtocolWriter> {
    let schema: ThriftSchema
    let options: TranscodeOptions
    var writer: Writer
    var scanner: JSONScanner
    let hasBody: Bool
    /// Empty when nothing is bound and the body is the whole struct (the common, fast case).
    let overrides: OverrideTree?
    let bound: [BoundValue]
    /// The schema's field names as bytes, for matching keys.
    let lookup: FieldLookupTable

    /// Encodes struct `id`; its JSON object is next in the scanner when `fromJSON`.
    mutating func encodeStruct(_ id: StructID, fromJSON: Bool, node: Int?) throws(TranscodeError) {
        // Only the field list is needed per key; the rest of the descriptor is read on errors and at the end.
        let fields = schema.structs[id.index].fields
        let range = lookup.range(of: id)
        var next = 0
        var written = FieldBitSet()
        let mark = writer.writeStructBegin()
        // Where the object began, for errors about the object as a whole (nil when it is not in the body).
        var objectStart: Int? = nil
        if fromJSON {
            try expect(.object, for: .structure(id))
            var cursor = try beginObject()
            objectStart = cursor.start
            while let key = try nextKey(&cursor) {
                guard let index = fieldIndex(of: key, in: fields, range: range, hint: next) else {
                    if options.strict {
                        let name = scanner.decodedString(key)
                        throw TranscodeError(
                            .unknownField, offset: key.quoteOffset, "\(schema[id].name) has no field '\(name)'"
                        ).under(field: name)
                    }
                    try skipValue()
                    continue
                }
                next = index + 1
                let flags = lookup.hasFlags ? lookup.entry(index, in: range).flags : 0
                if flags & FieldLookupTable.omitted != 0 {
                    try skipValue()  // api.none: never read from the body
                    continue
                }
                var child: Int? = nil
                if let node, let overrides {
                    child = overrides.child(of: node, field: index)
                }
                if let child, !(overrides?.nodes[child].values.isEmpty ?? true) {
                    // A bound value replaces this field; the body's value only needs to be well formed.
                    try skipValue()
                    continue
                }
                let kind = try peekKind()
                if kind == .null {
                    _ = try readNullIfPresent()
                    continue  // null is absent
                }
                if written.contains(index) {
                    throw TranscodeError(.invalidValue, offset: key.quoteOffset, "duplicate field '\(fields[index].name)'")
                        .under(field: fields[index].name)
                }
                written.insert(index)
                let type = fields[index].type
                do throws(TranscodeError) {
                    if flags & FieldLookupTable.jsConv != 0 {
                        try encodeJSConvField(type, id: fields[index].id, node: child, kind: kind)
                    } else {
                        try encodeField(type, id: fields[index].id, node: child, kind: kind)
                    }
                } catch {
                    throw error.under(field: fields[index].name)
                }
            }
        }
        if let node, let overrides {
            for child in overrides.nodes[node].children where !written.contains(overrides.nodes[child].fieldIndex) {
                let index = overrides.nodes[child].fieldIndex
                let field = fields[index]
                do throws(TranscodeError) {
                    if try encodeOverride(field, node: child) { written.insert(index) }
                } catch {
                    throw error.under(field: field.name)
                }
            }
        }
        let kind = schema.structs[id.index].kind
        if written.count < fields.count {
            try finishAbsentFields(id, range: range, written: &written, objectStart: objectStart)
        }
        if kind == .union && written.count != 1 {
            throw TranscodeError(
                .unionFieldCount, offset: objectStart,
                "union \(schema[id].name) needs exactly one field set, found \(written.count)")
        }
        writer.writeStructEnd(mark)
    }

    /// Writes IDL defaults for absent fields and rejects absent required ones. The lookup table says which
    /// fields need either, so absent optional fields cost a bit test, not a descriptor copy.
    private mutating func finishAbsentFields(
        _ id: StructID, range: FieldLookupTable.StructRange, written: inout FieldBitSet, objectStart: Int?
    ) throws(TranscodeError) {
        for index in 0..<Int(range.count) where !written.contains(index) {
            switch lookup.entry(index, in: range).absent {
            case .none:
                continue
            case .writeDefault:
                let field = schema.structs[id.index].fields[index]
                guard let value = field.defaultValue else { continue }
                written.insert(index)
                writer.writeFieldBegin(field.type.wireType, id: field.id)
                do throws(TranscodeError) {
                    try writeConstant(value, as: field.type)
                } catch {
                    throw error.under(field: field.name)
                }
            case .missing:
                let field = schema.structs[id.index].fields[index]
                throw TranscodeError(
                    .missingRequired, offset: objectStart,
                    "required field '\(field.name)' of \(schema.structs[id.index].name) is missing"
                ).under(field: field.name)
            }
        }
    }

    /// Writes a field that comes from outside this struct's JSON; false when it turned out absent.
    private mutating func encodeOverride(_ field: FieldDescriptor, node: Int) throws(TranscodeError) -> Bool {
        guard let overrides else { return false }
        let entry = overrides.nodes[node]
        if !entry.values.isEmpty {
            writer.writeFieldBegin(field.type.wireType, id: field.id)
            try writeBound(entry.values, as: field.type)
            return true
        }
        if entry.takesBody && hasBody {
            if try readNullIfPresent() {
                if entry.children.isEmpty { return false }
                writer.writeFieldBegin(field.type.wireType, id: field.id)
                guard case .structure(let id) = field.type else { return true }
                try encodeStruct(id, fromJSON: false, node: node)
                return true
            }
            writer.writeFieldBegin(field.type.wireType, id: field.id)
            try encodeValue(field.type, node: node)
            return true
        }
        guard case .structure(let id) = field.type, !entry.children.isEmpty || entry.sentEmpty else { return false }
        writer.writeFieldBegin(field.type.wireType, id: field.id)
        try encodeStruct(id, fromJSON: false, node: node)
        return true
    }

    /// The field whose name equals `key`, compared as bytes.
    @inline(__always)
    private func fieldIndex(
        of key: JSONStringToken, in fields: [FieldDescriptor], range: FieldLookupTable.StructRange, hint: Int
    ) -> Int? {
        if key.hasEscapes {
            // Rare: decode once rather than once per field compared.
            var name = scanner.decodedString(key)
            return name.withUTF8 { lookup.index(ofName: UnsafeRawBufferPointer($0), in: range, hint: hint) }
        }
        return lookup.index(ofName: scanner.rawBytes(of: key), in: range, hint: hint)
    }

    /// Requires the next value to be `kind`, else a wrong-type error naming `type`.
    /// `type` is an autoclosure because building a `ThriftType` value allocates (the enum is indirect), and
    /// it is only needed for the error.
    @inline(__always)
    mutating func expect(_ kind: JSONValueKind, for type: @autoclosure () -> ThriftType) throws(TranscodeError) {
        let found = try peekKind()
        if found != kind { throw wrongType(type(), found: found) }
    }

    func wrongType(_ type: ThriftType, found: JSONValueKind) -> TranscodeError {
        // `trueish` or a form body is not a boolean of the wrong type but not JSON at all.
        if found == .bool || found == .null, let syntax = scanner.invalidLiteral() { return TranscodeError(syntax) }
        return TranscodeError(
            .wrongType, offset: scanner.offset, "expected \(schema.displayName(of: type)) but found \(found)")
    }
}
