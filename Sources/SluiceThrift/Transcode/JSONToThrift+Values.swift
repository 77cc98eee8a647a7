import NIOCore
import SluiceJSON

extension JSONToThrift {
    /// Encodes the next JSON value as field `id` of `type`: scalars and plain strings with their header in
    /// one append, everything else as header then value.
    /// `kind` is what ``peekKind()`` returned for the value.
    mutating func encodeField(_ type: ThriftType, id: Int16, node: Int?, kind: JSONValueKind) throws(TranscodeError) {
        switch type {
        case .i8, .i16, .i32, .i64:
            let value = try readInteger(type, kind: kind)
            writer.writeIntegerField(type.wireType, id: id, value: value)
        case .double:
            writer.writeDoubleField(id: id, value: try readDouble(kind: kind))
        case .enumeration(let enumID):
            writer.writeIntegerField(.i32, id: id, value: Int64(try readEnum(enumID, type: type, kind: kind)))
        case .string:
            if kind != .string { throw wrongType(type, found: kind) }
            let token = try readString()
            if token.hasEscapes {
                writer.writeFieldBegin(.string, id: id)
                writeString(token)
            } else {
                writer.writeBinaryField(id: id, bytes: scanner.rawBytes(of: token))
            }
        default:
            writer.writeFieldBegin(type.wireType, id: id)
            try encodeValue(type, node: node)
        }
    }

    /// A string's length and decoded bytes.
    @inline(__always)
    mutating func writeString(_ token: JSONStringToken) {
        if !token.hasEscapes {
            writer.writeBinary(scanner.rawBytes(of: token))
            return
        }
        writer.writeBinaryLength(token.decodedCount)
        let scanner = self.scanner
        writer.withBuffer { scanner.write(token, into: &$0) }
    }

    /// Encodes the next JSON value as `type` (its field header, if any, is already written).
    mutating func encodeValue(_ type: ThriftType, node: Int?) throws(TranscodeError) {
        switch type {
        case .bool:
            try expect(.bool, for: type)
            writer.writeBool(try readBool())
        case .i8:
            writer.writeI8(Int8(truncatingIfNeeded: try readInteger(type)))
        case .i16:
            writer.writeI16(Int16(truncatingIfNeeded: try readInteger(type)))
        case .i32:
            writer.writeI32(Int32(truncatingIfNeeded: try readInteger(type)))
        case .i64:
            writer.writeI64(try readInteger(type))
        case .double:
            writer.writeDouble(try readDouble())
        case .string:
            try expect(.string, for: type)
            writeString(try readString())
        case .binary:
            try expect(.string, for: type)
            let token = try readString()
            try writeBase64(token)
        case .uuid:
            try expect(.string, for: type)
            let token = try readString()
            try writeUUID(token)
        case .enumeration(let id):
            writer.writeI32(try readEnum(id, type: type))
        case .list(let element):
            try encodeList(element)
        case .set(let element):
            try encodeSet(element)
        case .map(let key, let value):
            if key.isObjectKeyable {
                try encodeObjectMap(key: key, value: value)
            } else {
                try encodePairMap(key: key, value: value)
            }
        case .structure(let id):
            try encodeStruct(id, fromJSON: true, node: node)
        }
    }

    private mutating func encodeList(_ element: ThriftType) throws(TranscodeError) {
        try expect(.array, for: .list(element))
        var cursor = try beginArray()
        let mark = writer.beginList(element.wireType)
        var count = 0
        while try nextElement(&cursor) {
            do throws(TranscodeError) {
                try encodeElement(element)
            } catch {
                throw error.under(index: count)
            }
            count += 1
        }
        writer.endList(mark, count: count)
    }

    /// A container element: like a value, but `null` has no Thrift meaning here.
    mutating func encodeElement(_ type: ThriftType) throws(TranscodeError) {
        let kind = try peekKind()
        if kind == .null { throw wrongType(type, found: .null) }
        if case .string = type, kind == .string {
            writeString(try readString())  // lists of strings are common: no second peek
            return
        }
        try encodeValue(type, node: nil)
    }

    /// `{"key": value}` with keys parsed to the key type.
    private mutating func encodeObjectMap(key: ThriftType, value: ThriftType) throws(TranscodeError) {
        try expect(.object, for: .map(key: key, value: value))
        var cursor = try beginObject()
        let mark = writer.beginMap(key: key.wireType, value: value.wireType)
        var count = 0
        var seen = EncodedDuplicates()
        while let token = try nextKey(&cursor) {
            do throws(TranscodeError) {
                let start = outputIndex()
                try writeKey(token, as: key)
                try checkNewKey(from: start, origin: token.quoteOffset, key, &seen)
                try encodeElement(value)
            } catch {
                throw error.under(key: scanner.decodedString(token))
            }
            count += 1
        }
        writer.endMap(mark, count: count)
    }

    /// `[[key, value], ...]` for keys JSON objects cannot hold (structs, lists, bools, binary, uuids).
    private mutating func encodePairMap(key: ThriftType, value: ThriftType) throws(TranscodeError) {
        try expect(.array, for: .map(key: key, value: value))
        var cursor = try beginArray()
        let mark = writer.beginMap(key: key.wireType, value: value.wireType)
        var count = 0
        var seen = EncodedDuplicates()
        while try nextElement(&cursor) {
            do throws(TranscodeError) {
                let kind = try peekKind()
                guard kind == .array else {
                    throw TranscodeError(
                        .wrongType, offset: scanner.offset, "expected a [key, value] pair but found \(kind)")
                }
                let start = scanner.offset
                var pair = try beginArray()
                var elements = 0
                while try nextElement(&pair) {
                    guard elements < 2 else {
                        throw TranscodeError(.invalidValue, offset: start, "a map entry needs exactly [key, value]")
                    }
                    do throws(TranscodeError) {
                        let origin = scanner.offset
                        let start = outputIndex()
                        try encodeElement(elements == 0 ? key : value)
                        if elements == 0 { try checkNewKey(from: start, origin: origin, key, &seen) }
                    } catch {
                        throw error.under(index: elements)
                    }
                    elements += 1
                }
                guard elements == 2 else {
                    throw TranscodeError(.invalidValue, offset: start, "a map entry needs exactly [key, value]")
                }
            } catch {
                throw error.under(index: count)
            }
            count += 1
        }
        writer.endMap(mark, count: count)
    }

    /// A map key from its JSON object key text.
    private mutating func writeKey(_ token: JSONStringToken, as type: ThriftType) throws(TranscodeError) {
        switch type {
        case .string:
            writer.writeBinaryLength(token.decodedCount)
            let scanner = self.scanner
            writer.withBuffer { scanner.write(token, into: &$0) }
        case .enumeration(let id):
            let value = try scanner.withDecodedBytes(token) { bytes throws(TranscodeError) in
                try enumValue(text: bytes, id, offset: token.quoteOffset)
            }
            writer.writeI32(value)
        case .double:
            let text = scanner.decodedString(token)
            guard let value = try parseDouble(text, offset: token.quoteOffset) else {
                throw TranscodeError(.wrongType, offset: token.quoteOffset, "map key \"\(text)\" is not a double")
            }
            writer.writeDouble(value)
        default:
            let parsed = scanner.withDecodedBytes(token) { IntegerText.parse($0) }
            let value = try checkInteger(parsed, type, offset: token.quoteOffset)
            writeInteger(value, as: type)
        }
    }

    mutating func writeInteger(_ value: Int64, as type: ThriftType) {
        switch type {
        case .i8: writer.writeI8(Int8(truncatingIfNeeded: value))
        case .i16: writer.writeI16(Int16(truncatingIfNeeded: value))
        case .i64: writer.writeI64(value)
        default: writer.writeI32(Int32(truncatingIfNeeded: value))
        }
    }
}
