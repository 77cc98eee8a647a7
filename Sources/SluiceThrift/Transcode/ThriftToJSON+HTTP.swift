import NIOCore
import SluiceJSON

/// The reply side of the Kitex/Hertz HTTP mapping: response fields taken out to headers, cookies and the
/// status, `api.none` fields left out, `api.js_conv` integers written as strings, an `api.raw_body` field
/// written as the body itself.
extension ThriftToJSON {
    /// The success value; a struct with a ``responsePlan`` leaves its planned fields out of the body.
    mutating func decodeSuccess(_ type: ThriftType) throws(TranscodeError) {
        guard let responsePlan, case .structure(let id) = type else {
            return try decodeValue(type, depth: options.maxDepth)
        }
        if responsePlan.rawBodyIsBinary != nil {
            return try decodeRawBody(id, depth: options.maxDepth, plan: responsePlan)
        }
        json.beginObject()
        try decodeMembers(id, depth: options.maxDepth, plan: responsePlan)
        json.endObject()
    }

    /// Struct `id` whose `api.raw_body` field is the whole output: its bytes go out as they are (no JSON, no
    /// UTF-8 check: the backend's bytes are the body), the other planned fields are extracted, and every
    /// other field is skipped, since there is no JSON body to hold it.
    private mutating func decodeRawBody(_ id: StructID, depth: Int, plan: HTTPResponsePlan) throws(TranscodeError) {
        let fields = schema.structs[id.index].fields
        let start = json.buffer.writerIndex
        let mark = reader.readStructBegin()
        while true {
            let header = try thrift { r throws(ThriftProtocolError) in try r.readFieldBegin() }
            if header.type == .stop { break }
            guard let target = plan.target(ofField: header.id), let index = Self.index(of: header.id, in: fields),
                fields[index].type.wireType == header.type
            else {
                try skip(header.type, depth: depth)
                continue
            }
            do throws(TranscodeError) {
                guard target == .rawBody else {
                    try extract(fields[index].type, to: target, depth: depth - 1)
                    continue
                }
                let bytes = try thrift { r throws(ThriftProtocolError) in try r.readBinary() }
                // A field repeated on the wire replaces the earlier value, as Thrift readers do.
                json.buffer.moveWriterIndex(to: start)
                json.buffer.writeBytes(bytes)
            } catch {
                throw error.under(field: fields[index].name)
            }
        }
        reader.readStructEnd(mark)
    }

    /// Reads a planned field's value as text into ``extracted``.
    mutating func extract(_ type: ThriftType, to target: HTTPResponsePlan.Target, depth: Int) throws(TranscodeError) {
        let text: String
        switch type {
        case .list(let element), .set(let element):
            let header = try thrift { r throws(ThriftProtocolError) in try r.readListBegin() }
            guard header.count == 0 || header.element == element.wireType else {
                throw TranscodeError(.malformedThrift, "container holds \(header.element) elements where \(schema.displayName(of: element)) was declared")
            }
            var pieces: [String] = []
            for _ in 0..<header.count { pieces.append(try readText(element)) }
            text = pieces.joined(separator: ",")
        default:
            text = try readText(type)
        }
        extracted.append(HTTPResponseValue(target: target, text: text))
    }

    /// A scalar as header text: numbers in decimal, bools as `true`/`false`, binary as base64.
    private mutating func readText(_ type: ThriftType) throws(TranscodeError) -> String {
        switch type {
        case .bool: return try thrift { r throws(ThriftProtocolError) in try r.readBool() } ? "true" : "false"
        case .i8: return String(try thrift { r throws(ThriftProtocolError) in try r.readI8() })
        case .i16: return String(try thrift { r throws(ThriftProtocolError) in try r.readI16() })
        case .i32: return String(try thrift { r throws(ThriftProtocolError) in try r.readI32() })
        case .i64: return String(try thrift { r throws(ThriftProtocolError) in try r.readI64() })
        case .double: return String(try thrift { r throws(ThriftProtocolError) in try r.readDouble() })
        case .enumeration(let id):
            let value = try thrift { r throws(ThriftProtocolError) in try r.readI32() }
            return options.enumsAsNames ? (schema[id].name(of: value) ?? String(value)) : String(value)
        case .string:
            let bytes = try thrift { r throws(ThriftProtocolError) in try r.readBinary() }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw TranscodeError(.malformedThrift, "string is not valid UTF-8")
            }
            return text
        case .binary:
            return Base64.encode(Array(try thrift { r throws(ThriftProtocolError) in try r.readBinary() }))
        case .uuid:
            let bytes = try thrift { r throws(ThriftProtocolError) in try r.readUUID() }
            return withUnsafeTemporaryAllocation(byteCount: UUIDText.length, alignment: 1) { raw in
                UUIDText.format(bytes, into: raw)
                return String(decoding: UnsafeRawBufferPointer(raw), as: UTF8.self)
            }
        case .list, .set, .map, .structure:
            // HTTPResponsePlan only plans scalars and lists of scalars.
            throw TranscodeError(.malformedThrift, "\(schema.displayName(of: type)) cannot be written as text")
        }
    }

    /// A member whose lookup entry has flags: `api.none` skips it, `api.js_conv` quotes its integers.
    mutating func decodeFlaggedField(_ type: ThriftType, flags: UInt8, key: UnsafeRawBufferPointer, depth: Int) throws(TranscodeError) {
        if flags & FieldLookupTable.omitted != 0 {
            return try skip(type.wireType, depth: depth)
        }
        guard flags & FieldLookupTable.jsConv != 0 else { return try decodeField(type, key: key, depth: depth) }
        switch type {
        case .i8, .i16, .i32, .i64:
            json.rawKey(key)
            json.quotedInt(try readInteger(type))
        case .list(let element), .set(let element):
            guard element.isInteger else { return try decodeField(type, key: key, depth: depth) }
            let header = try thrift { r throws(ThriftProtocolError) in try r.readListBegin() }
            guard header.count == 0 || header.element == element.wireType else {
                throw TranscodeError(.malformedThrift, "container holds \(header.element) elements where \(schema.displayName(of: element)) was declared")
            }
            json.rawKey(key)
            json.beginArray()
            for _ in 0..<header.count { json.quotedInt(try readInteger(element)) }
            json.endArray()
        default:
            try decodeField(type, key: key, depth: depth)
        }
    }

    private mutating func readInteger(_ type: ThriftType) throws(TranscodeError) -> Int64 {
        switch type {
        case .i8: Int64(try thrift { r throws(ThriftProtocolError) in try r.readI8() })
        case .i16: Int64(try thrift { r throws(ThriftProtocolError) in try r.readI16() })
        case .i64: try thrift { r throws(ThriftProtocolError) in try r.readI64() }
        default: Int64(try thrift { r throws(ThriftProtocolError) in try r.readI32() })
        }
    }
}

extension ThriftType {
    /// i8 through i64 (not enums): what `api.js_conv` turns into strings.
    var isInteger: Bool {
        switch self {
        case .i8, .i16, .i32, .i64: true
        default: false
        }
    }
}
