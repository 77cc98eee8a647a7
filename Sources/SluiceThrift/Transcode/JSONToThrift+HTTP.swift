import SluiceJSON

extension JSONToThrift {
    /// An `api.js_conv` field: integers, and lists of them, are taken as JSON numbers or as strings of digits
    /// (JavaScript clients send int64 values as strings). Anything else is encoded as usual.
    mutating func encodeJSConvField(_ type: ThriftType, id: Int16, node: Int?, kind: JSONValueKind) throws(TranscodeError) {
        switch type {
        case .i8, .i16, .i32, .i64:
            guard kind == .string else { return try encodeField(type, id: id, node: node, kind: kind) }
            writer.writeIntegerField(type.wireType, id: id, value: try readIntegerText(type))
        case .list(let element), .set(let element):
            guard element.isInteger, kind == .array else { return try encodeField(type, id: id, node: node, kind: kind) }
            writer.writeFieldBegin(type.wireType, id: id)
            var cursor = try beginArray()
            let mark = writer.beginList(element.wireType)
            var count = 0
            while try nextElement(&cursor) {
                do throws(TranscodeError) {
                    let value = try peekKind() == .string ? try readIntegerText(element) : try readInteger(element)
                    writeInteger(value, as: element)
                } catch {
                    throw error.under(index: count)
                }
                count += 1
            }
            writer.endList(mark, count: count)
        default:
            try encodeField(type, id: id, node: node, kind: kind)
        }
    }

    /// A JSON string holding an integer of `type`.
    private mutating func readIntegerText(_ type: ThriftType) throws(TranscodeError) -> Int64 {
        let token = try readString()
        let parsed = scanner.withDecodedBytes(token) { IntegerText.parse($0) }
        if case .invalid = parsed {
            throw TranscodeError(
                .wrongType, offset: token.quoteOffset,
                "expected \(schema.displayName(of: type)) but found string \"\(scanner.decodedString(token))\"")
        }
        return try checkInteger(parsed, type, offset: token.quoteOffset)
    }
}
