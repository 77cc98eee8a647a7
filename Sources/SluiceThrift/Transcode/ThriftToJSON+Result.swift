import SluiceJSON

extension ThriftToJSON {
    /// Decodes a `_result` struct: the success value, a declared exception as
    /// `{"error":{"type":"<ExceptionName>","exception":{…its fields}}}`, or
    /// nothing for `void`. Only the first recognised field counts; the rest are skipped.
    mutating func decodeResult(_ method: MethodDescriptor) throws(TranscodeError) -> ResultOutcome {
        let fields = schema[method.result].fields
        var outcome: ResultOutcome? = nil
        let mark = reader.readStructBegin()
        while true {
            let header = try thrift { r throws(ThriftProtocolError) in try r.readFieldBegin() }
            if header.type == .stop { break }
            guard outcome == nil, let index = Self.index(of: header.id, in: fields),
                fields[index].type.wireType == header.type
            else {
                try skip(header.type, depth: options.maxDepth)
                continue
            }
            let field = fields[index]
            if field.id == 0 && method.returnType != nil {
                try decodeSuccess(field.type)
                outcome = .success
            } else if case .structure(let id) = field.type {
                let name = Self.unqualified(schema[id].name)
                json.beginObject()
                json.key("error")
                json.beginObject()
                json.key("type")
                json.string(name)
                // The fields get an object of their own: an exception may well have a field named `type`.
                json.key("exception")
                json.beginObject()
                do throws(TranscodeError) {
                    try decodeMembers(id, depth: options.maxDepth)
                } catch {
                    throw error.under(field: "exception").under(field: "error")
                }
                json.endObject()
                json.endObject()
                json.endObject()
                outcome = .exception(type: name, fieldID: field.id)
            } else {
                try skip(header.type, depth: options.maxDepth)
            }
        }
        reader.readStructEnd(mark)
        if let outcome { return outcome }
        guard method.returnType == nil else {
            throw TranscodeError(
                .malformedThrift, "the result of \(method.name) holds neither a value nor a declared exception")
        }
        return .void
    }

    /// `Err` for `shared.Err`: clients know exceptions by their IDL name, not by which file declared them.
    static func unqualified(_ name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[name.index(after: dot)...])
    }
}
