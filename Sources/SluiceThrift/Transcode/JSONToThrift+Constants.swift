import NIOCore
import SluiceJSON

extension JSONToThrift {
    /// Writes an IDL default value as `type`.
    mutating func writeConstant(_ value: ConstValue, as type: ThriftType) throws(TranscodeError) {
        func mismatch() -> TranscodeError {
            TranscodeError(.invalidValue, "the IDL default does not fit \(schema.displayName(of: type))")
        }
        switch (type, value) {
        case (.bool, .bool(let flag)): writer.writeBool(flag)
        case (.bool, .int(let number)): writer.writeBool(number != 0)
        case (.i8, .int(let number)), (.i16, .int(let number)), (.i32, .int(let number)),
            (.i64, .int(let number)), (.enumeration, .int(let number)):
            writeInteger(try checkInteger(.value(number), type, offset: nil), as: type)
        case (.double, .double(let number)): writer.writeDouble(number)
        case (.double, .int(let number)): writer.writeDouble(Double(number))
        case (.string, .string(let text)), (.binary, .string(let text)): writer.writeString(text)
        case (.uuid, .string(let text)):
            var copy = text
            let ok = copy.withUTF8 { utf8 in (try? writeUUID(text: UnsafeRawBufferPointer(utf8), offset: nil)) != nil }
            if !ok { throw mismatch() }
        case (.list(let element), .list(let items)), (.set(let element), .list(let items)):
            writer.writeListBegin(element.wireType, count: items.count)
            for item in items { try writeConstant(item, as: element) }
        case (.map(let keyType, let valueType), .map(let pairs)):
            writer.writeMapBegin(key: keyType.wireType, value: valueType.wireType, count: pairs.count)
            for pair in pairs {
                try writeConstant(pair.key, as: keyType)
                try writeConstant(pair.value, as: valueType)
            }
        case (.structure(let id), .map(let pairs)):
            let descriptor = schema[id]
            let mark = writer.writeStructBegin()
            for pair in pairs {
                guard case .string(let name) = pair.key, let index = descriptor.fieldIndex(named: name) else {
                    throw mismatch()
                }
                let field = descriptor.fields[index]
                writer.writeFieldBegin(field.type.wireType, id: field.id)
                try writeConstant(pair.value, as: field.type)
            }
            writer.writeStructEnd(mark)
        default:
            throw mismatch()
        }
    }
}
