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
            try encodeElements(of: element, unique: isSet) { encoder throws(TranscodeError) in
                encoder.writeInteger(try encoder.readInteger(element, acceptingStrings: true), as: element)
            }
        default:
            try encodeField(type, id: id, node: node, kind: kind)
        }
    }
}
