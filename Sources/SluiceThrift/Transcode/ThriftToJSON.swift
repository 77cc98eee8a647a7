import NIOCore
import SluiceJSON

/// Writes JSON straight from Thrift values, the descriptors naming fields and choosing representations.
///
/// Fields the descriptor does not know, or whose wire type differs from the declared one, are skipped as
/// Thrift readers do. Strings are checked to be UTF-8 before they are written.
struct ThriftToJSON<Reader: ThriftProtocolReader> {
    let schema: ThriftSchema
    let options: TranscodeOptions
    var reader: Reader
    var json: JSONWriter
    /// The schema's field ids and prepared JSON keys.
    let lookup: FieldLookupTable
    /// Fields of the success struct that become response headers, cookies or the status instead of members.
    let responsePlan: HTTPResponsePlan?
    /// What ``responsePlan`` took out of the reply.
    var extracted: [HTTPResponseValue] = []

    init(schema: ThriftSchema, options: TranscodeOptions, reader: Reader, json: JSONWriter, responsePlan: HTTPResponsePlan? = nil) {
        self.schema = schema
        self.options = options
        self.reader = reader
        self.json = json
        self.lookup = options.httpAnnotations ? schema.httpFieldLookup : schema.fieldLookup
        self.responsePlan = responsePlan
    }

    /// `{ ...fields }` of struct `id`.
    mutating func decodeStruct(_ id: StructID, depth: Int) throws(TranscodeError) {
        json.beginObject()
        try decodeMembers(id, depth: depth)
        json.endObject()
    }

    /// The fields of struct `id` as object members, without braces; with `plan`, its fields are taken out.
    mutating func decodeMembers(_ id: StructID, depth: Int, plan: HTTPResponsePlan? = nil) throws(TranscodeError) {
        guard depth > 0 else { throw tooDeep() }
        let fields = schema.structs[id.index].fields
        let range = lookup.range(of: id)
        var next = 0
        let mark = reader.readStructBegin()
        while true {
            let header: (type: WireType, id: Int16)
            do { header = try reader.readFieldBegin() } catch { throw TranscodeError(error) }
            if header.type == .stop { break }
            guard let index = lookup.index(ofID: header.id, in: range, hint: next),
                fields[index].type.wireType == header.type
            else {
                try skip(header.type, depth: depth)
                continue
            }
            next = index + 1
            let entry = lookup.entry(index, in: range)
            let key = lookup.key(entry)
            do throws(TranscodeError) {
                if let plan, let target = plan.target(ofField: header.id) {
                    try extract(fields[index].type, to: target, depth: depth - 1)
                } else if lookup.hasFlags && entry.flags != 0 {
                    try decodeFlaggedField(fields[index].type, flags: entry.flags, key: key, depth: depth - 1)
                } else {
                    try decodeField(fields[index].type, key: key, depth: depth - 1)
                }
            } catch {
                throw error.under(field: fields[index].name)
            }
        }
        reader.readStructEnd(mark)
    }

    /// A member: its prepared `key` and value, in one append for integers and strings.
    @inline(__always)
    mutating func decodeField(_ type: ThriftType, key: UnsafeRawBufferPointer, depth: Int) throws(TranscodeError) {
        let value: Int64
        switch type {
        case .i8:
            do { value = Int64(try reader.readI8()) } catch { throw TranscodeError(error) }
        case .i16:
            do { value = Int64(try reader.readI16()) } catch { throw TranscodeError(error) }
        case .i32:
            do { value = Int64(try reader.readI32()) } catch { throw TranscodeError(error) }
        case .i64:
            do { value = try reader.readI64() } catch { throw TranscodeError(error) }
            if options.int64AsString && value.magnitude > 1 << 53 {
                json.rawKey(key)
                json.quotedInt(value)
                return
            }
        case .string:
            let bytes: UnsafeRawBufferPointer
            do { bytes = try reader.readBinary() } catch { throw TranscodeError(error) }
            guard json.string(utf8: bytes, afterKey: key) else {
                throw TranscodeError(.malformedThrift, "string is not valid UTF-8")
            }
            return
        default:
            json.rawKey(key)
            try decodeValue(type, depth: depth)
            return
        }
        json.int(value, afterKey: key)
    }

    mutating func decodeValue(_ type: ThriftType, depth: Int) throws(TranscodeError) {
        switch type {
        case .bool:
            json.bool(try thrift { r throws(ThriftProtocolError) in try r.readBool() })
        case .i8:
            json.int(try thrift { r throws(ThriftProtocolError) in try r.readI8() })
        case .i16:
            json.int(try thrift { r throws(ThriftProtocolError) in try r.readI16() })
        case .i32:
            json.int(try thrift { r throws(ThriftProtocolError) in try r.readI32() })
        case .i64:
            let value = try thrift { r throws(ThriftProtocolError) in try r.readI64() }
            if options.int64AsString && value.magnitude > 1 << 53 {
                json.quotedInt(value)
            } else {
                json.int(value)
            }
        case .double:
            json.double(try thrift { r throws(ThriftProtocolError) in try r.readDouble() })
        case .string:
            let bytes = try thrift { r throws(ThriftProtocolError) in try r.readBinary() }
            guard json.string(utf8: bytes) else {
                throw TranscodeError(.malformedThrift, "string is not valid UTF-8")
            }
        case .binary:
            json.base64(try thrift { r throws(ThriftProtocolError) in try r.readBinary() })
        case .uuid:
            let bytes = try thrift { r throws(ThriftProtocolError) in try r.readUUID() }
            writeUUID(bytes)
        case .enumeration(let id):
            let value = try thrift { r throws(ThriftProtocolError) in try r.readI32() }
            if options.enumsAsNames, let name = schema[id].name(of: value) {
                json.string(name)
            } else {
                json.int(value)
            }
        case .list(let element), .set(let element):
            guard depth > 0 else { throw tooDeep() }
            let header = try thrift { r throws(ThriftProtocolError) in try r.readListBegin() }
            try checkElementType(header.element, element, count: header.count)
            json.beginArray()
            for index in 0..<header.count {
                do throws(TranscodeError) {
                    try decodeValue(element, depth: depth - 1)
                } catch {
                    throw error.under(index: index)
                }
            }
            json.endArray()
        case .map(let key, let value):
            guard depth > 0 else { throw tooDeep() }
            let header = try thrift { r throws(ThriftProtocolError) in try r.readMapBegin() }
            try checkElementType(header.key, key, count: header.count)
            try checkElementType(header.value, value, count: header.count)
            if key.isObjectKeyable {
                try decodeObjectMap(key: key, value: value, count: header.count, depth: depth)
            } else {
                try decodePairMap(key: key, value: value, count: header.count, depth: depth)
            }
        case .structure(let id):
            try decodeStruct(id, depth: depth)
        }
    }

    private mutating func decodeObjectMap(key: ThriftType, value: ThriftType, count: Int, depth: Int) throws(TranscodeError) {
        json.beginObject()
        for index in 0..<count {
            do throws(TranscodeError) {
                try decodeKey(key)
                try decodeValue(value, depth: depth - 1)
            } catch {
                throw error.under(index: index)
            }
        }
        json.endObject()
    }

    private mutating func decodePairMap(key: ThriftType, value: ThriftType, count: Int, depth: Int) throws(TranscodeError) {
        json.beginArray()
        for index in 0..<count {
            do throws(TranscodeError) {
                json.beginArray()
                try decodeValue(key, depth: depth - 1)
                try decodeValue(value, depth: depth - 1)
                json.endArray()
            } catch {
                throw error.under(index: index)
            }
        }
        json.endArray()
    }

    /// A map key as a JSON object key.
    private mutating func decodeKey(_ type: ThriftType) throws(TranscodeError) {
        switch type {
        case .string:
            let bytes = try thrift { r throws(ThriftProtocolError) in try r.readBinary() }
            guard json.key(utf8: bytes) else {
                throw TranscodeError(.malformedThrift, "map key is not valid UTF-8")
            }
        case .i8: json.intKey(Int64(try thrift { r throws(ThriftProtocolError) in try r.readI8() }))
        case .i16: json.intKey(Int64(try thrift { r throws(ThriftProtocolError) in try r.readI16() }))
        case .i32: json.intKey(Int64(try thrift { r throws(ThriftProtocolError) in try r.readI32() }))
        case .i64: json.intKey(try thrift { r throws(ThriftProtocolError) in try r.readI64() })
        case .double:
            let value = try thrift { r throws(ThriftProtocolError) in try r.readDouble() }
            json.key(value.isNaN ? "NaN" : value.isInfinite ? (value < 0 ? "-Infinity" : "Infinity") : value.description)
        case .enumeration(let id):
            let value = try thrift { r throws(ThriftProtocolError) in try r.readI32() }
            if options.enumsAsNames, let name = schema[id].name(of: value) {
                json.key(name)
            } else {
                json.intKey(Int64(value))
            }
        default:
            preconditionFailure("only object-keyable types reach decodeKey")
        }
    }

    private func checkElementType(_ found: WireType, _ declared: ThriftType, count: Int) throws(TranscodeError) {
        // Writers put arbitrary types on empty containers (Compact writes none at all).
        guard count > 0, found != declared.wireType else { return }
        throw TranscodeError(
            .malformedThrift,
            "container holds \(found) elements where \(schema.displayName(of: declared)) was declared")
    }

    private mutating func writeUUID(_ bytes: UnsafeRawBufferPointer) {
        withUnsafeTemporaryAllocation(byteCount: UUIDText.length + 2, alignment: 1) { raw in
            raw[0] = UInt8(ascii: "\"")
            UUIDText.format(bytes, into: UnsafeMutableRawBufferPointer(rebasing: raw[1...UUIDText.length]))
            raw[UUIDText.length + 1] = UInt8(ascii: "\"")
            json.rawValue(UnsafeRawBufferPointer(raw))
        }
    }

    /// The field with wire id `id` (a plain loop: it runs once per field read).
    @inline(__always)
    static func index(of id: Int16, in fields: [FieldDescriptor]) -> Int? {
        var index = 0
        while index < fields.count {
            if fields[index].id == id { return index }
            index += 1
        }
        return nil
    }

    mutating func skip(_ type: WireType, depth: Int) throws(TranscodeError) {
        try thrift { r throws(ThriftProtocolError) in try ThriftSkipper.skip(type, reader: &r, maxDepth: depth) }
    }

    @inline(__always)
    mutating func thrift<T>(_ body: (inout Reader) throws(ThriftProtocolError) -> T) throws(TranscodeError) -> T {
        do {
            return try body(&reader)
        } catch {
            throw TranscodeError(error)
        }
    }

    func tooDeep() -> TranscodeError {
        TranscodeError(.tooDeep, "Thrift values nested deeper than \(options.maxDepth)")
    }
}
