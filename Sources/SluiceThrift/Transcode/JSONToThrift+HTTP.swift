import SluiceJSON

extension JSONToThrift {
    /// An `api.js_conv` field: integers, and lists of them, are taken as JSON numbers or as strings of digits
    /// (JavaScript clients send int64 values as strings). Anything else is encoded as usual.
    mutating func encodeJSConvField(_ type: ThriftType, id: Int16, node: Int?, kind: JSONValueKind) throws(TranscodeError) {
        switch type {
        case .i8, .i16, .i32, .i64:
            guard kind == .string else { return try encodeField(type, id: id, node: node, kind: kind) }
            writer.writeIntegerField(type.wireType, id: id, value: try readInteger(type, kind: kind, acceptingStrings: true))
        case .list(let element), .set(let element):
            guard element.isInteger, kind == .array else { return try encodeField(type, id: id, node: node, kind: kind) }
            let isSet = if case .set = type { true } else { false }
            writer.writeFieldBegin(type.wireType, id: id)
            var cursor = try beginArray()
            let mark = writer.beginList(element.wireType)
            var count = 0
            var seen = EncodedDuplicates()
            while try nextElement(&cursor) {
                let origin = scanner.offset
                do throws(TranscodeError) {
                    let start = outputIndex()
                    writeInteger(try readInteger(element, acceptingStrings: true), as: element)
                    if isSet, let earlier = recordEncoded(from: start, origin: origin, in: &seen) {
                        throw duplicateElement(at: origin, earlier: earlier)
                    }
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
}
