import SluiceJSON

extension ProtobufToJSON {
    /// A well-known type's special JSON form.
    mutating func writeWellKnown(
        _ type: ProtobufWellKnownType, _ index: Int32, _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int
    ) throws(ProtobufTranscodeError) {
        let message = table.messages[Int(index)]
        switch type {
        case .timestamp, .duration:
            try writeTime(type, bytes, range, depth: depth)
        case .fieldMask:
            try writeFieldMask(bytes, range, depth: depth)
        case .structure:
            let entry = table.field(0, of: message).target
            json.beginObject()
            var reader = ProtobufWireReader(bytes: bytes, range: range)
            while let field = try reader.next(lengthDelimited: 1, depth: depth) {
                try writeMapEntry(entry, bytes, field, depth: depth)
            }
            json.endObject()
        case .listValue:
            let valueIndex = table.field(0, of: message).target
            json.beginArray()
            var reader = ProtobufWireReader(bytes: bytes, range: range)
            var element = 0
            while let value = try reader.next(lengthDelimited: 1, depth: depth) {
                do throws(ProtobufTranscodeError) {
                    try writeMessage(valueIndex, bytes, value, depth: depth - 1)
                } catch {
                    throw error.under(index: element)
                }
                element += 1
            }
            json.endArray()
        case .value:
            try writeValueMessage(message, bytes, range, depth: depth)
        case .any:
            try writeAny(bytes, range, depth: depth)
        default:
            // A wrapper: its field 1's value, bare; absent is the default.
            let field = table.field(0, of: message)
            var reader = ProtobufWireReader(bytes: bytes, range: range)
            var valueStart = -1
            while !reader.isAtEnd {
                let (number, wireType) = try reader.tag()
                if number == 1 && wireType == field.kind.wireType { valueStart = reader.offset }
                try reader.skip(wireType, number: number, depth: depth)
            }
            if valueStart < 0 {
                try writeDefault(field, depth: depth)
            } else {
                var value = ProtobufWireReader(bytes: bytes, range: valueStart..<range.upperBound)
                _ = try writeValue(field, field.kind.wireType, &value, depth: depth, skipDefault: false)
            }
        }
    }

    /// `Timestamp` as RFC 3339 text, `Duration` as `"1.5s"`; values outside their ranges are errors.
    private mutating func writeTime(
        _ type: ProtobufWellKnownType, _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int
    ) throws(ProtobufTranscodeError) {
        var seconds: Int64 = 0
        var nanos: Int32 = 0
        var reader = ProtobufWireReader(bytes: bytes, range: range)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.tag()
            if number == 1 && wireType == .varint {
                seconds = Int64(bitPattern: try reader.varint())
            } else if number == 2 && wireType == .varint {
                nanos = Int32(truncatingIfNeeded: try reader.varint())
            } else {
                try reader.skip(wireType, number: number, depth: depth)
            }
        }
        let valid: Bool
        if type == .timestamp {
            valid = seconds >= TimeText.minimumTimestamp && seconds <= TimeText.maximumTimestamp && nanos >= 0
                && nanos <= 999_999_999
        } else {
            valid = seconds.magnitude <= UInt64(TimeText.maximumDuration) && nanos.magnitude <= 999_999_999
                && !(seconds > 0 && nanos < 0) && !(seconds < 0 && nanos > 0)
        }
        guard valid else {
            throw ProtobufTranscodeError(
                .outOfRange, offset: range.lowerBound,
                "\(type == .timestamp ? "Timestamp" : "Duration") out of range: seconds \(seconds), nanos \(nanos)")
        }
        withUnsafeTemporaryAllocation(byteCount: 48, alignment: 1) { output in
            let count = type == .timestamp
                ? TimeText.formatTimestamp(seconds: seconds, nanos: nanos, into: output)
                : TimeText.formatDuration(seconds: seconds, nanos: nanos, into: output)
            json.rawValue(UnsafeRawBufferPointer(rebasing: output[0..<count]))
        }
    }

    /// `paths: ["foo_bar.baz", "qux"]` as `"fooBar.baz,qux"`; a path that would not come back the same
    /// (an upper-case letter, `_` not before a lower-case letter) is an error.
    private mutating func writeFieldMask(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int) throws(ProtobufTranscodeError) {
        var text: [UInt8] = []
        var reader = ProtobufWireReader(bytes: bytes, range: range)
        while let path = try reader.next(lengthDelimited: 1, depth: depth) {
            if !text.isEmpty { text.append(UInt8(ascii: ",")) }
            var index = path.lowerBound
            while index < path.upperBound {
                let byte = bytes[index]
                if byte &- UInt8(ascii: "A") < 26 {
                    throw ProtobufTranscodeError(.invalidValue, offset: index, "a field mask path has an upper-case letter")
                }
                if byte == UInt8(ascii: "_") {
                    guard index + 1 < path.upperBound, bytes[index + 1] &- UInt8(ascii: "a") < 26 else {
                        throw ProtobufTranscodeError(.invalidValue, offset: index, "a field mask path has '_' not before a lower-case letter")
                    }
                    text.append(bytes[index + 1] & ~0x20)
                    index += 2
                    continue
                }
                text.append(byte)
                index += 1
            }
        }
        let valid = text.withUnsafeBytes { json.string(utf8: $0) }
        guard valid else { throw ProtobufTranscodeError(.malformedProtobuf, offset: range.lowerBound, "a field mask path is not valid UTF-8") }
    }

    /// `Value`'s `kind` oneof as the JSON value it holds (the last member set wins; none is `null`).
    private mutating func writeValueMessage(
        _ message: ProtobufFieldTable.Message, _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int
    ) throws(ProtobufTranscodeError) {
        var kindNumber: Int32 = 0
        var kindStart = 0
        var reader = ProtobufWireReader(bytes: bytes, range: range)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.tag()
            if let index = table.index(ofNumber: number, in: message, hint: Int(number) - 1),
                table.field(index, of: message).kind.wireType == wireType
            {
                kindNumber = number
                kindStart = reader.offset
            }
            try reader.skip(wireType, number: number, depth: depth)
        }
        guard kindNumber > 1, let index = table.index(ofNumber: kindNumber, in: message, hint: Int(kindNumber) - 1) else {
            json.null()
            return
        }
        let field = table.field(index, of: message)
        var value = ProtobufWireReader(bytes: bytes, range: kindStart..<range.upperBound)
        if field.kind == .double {
            let number = Double(bitPattern: try value.fixed64())
            guard number.isFinite else {
                throw ProtobufTranscodeError(.invalidValue, offset: kindStart, "a Value's number cannot be NaN or infinite in JSON")
            }
            json.double(number)
            return
        }
        _ = try writeValue(field, field.kind.wireType, &value, depth: depth, skipDefault: false)
    }

    /// `{"@type": url, ...fields}`, or `{"@type": url, "value": <special JSON>}` for a well-known type.
    private mutating func writeAny(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int) throws(ProtobufTranscodeError) {
        var url = 0..<0
        var value = 0..<0
        var reader = ProtobufWireReader(bytes: bytes, range: range)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.tag()
            if number == 1 && wireType == .lengthDelimited {
                url = try reader.lengthDelimited()
            } else if number == 2 && wireType == .lengthDelimited {
                value = try reader.lengthDelimited()
            } else {
                try reader.skip(wireType, number: number, depth: depth)
            }
        }
        json.beginObject()
        defer { json.endObject() }
        if url.isEmpty && value.isEmpty { return }
        var nameStart = url.lowerBound
        for index in url where bytes[index] == UInt8(ascii: "/") { nameStart = index + 1 }
        guard let inner = table.message(named: UnsafeRawBufferPointer(rebasing: bytes[nameStart..<url.upperBound])) else {
            throw ProtobufTranscodeError(
                .invalidValue, offset: url.lowerBound,
                "an Any holds '\(String(decoding: bytes[url], as: UTF8.self))', a type not loaded")
        }
        json.rawKey(UnsafeRawBufferPointer(start: typeKey.utf8Start, count: typeKey.utf8CodeUnitCount))
        guard json.string(utf8: UnsafeRawBufferPointer(rebasing: bytes[url])) else {
            throw ProtobufTranscodeError(.malformedProtobuf, offset: url.lowerBound, "an Any's type URL is not valid UTF-8")
        }
        guard depth > 1 else {
            throw ProtobufTranscodeError(.tooDeep, offset: value.lowerBound, "messages nest deeper than the limit")
        }
        let wellKnown = table.messages[inner.index].wellKnown
        if wellKnown != 0, let type = ProtobufWellKnownType(rawValue: wellKnown) {
            json.rawKey(UnsafeRawBufferPointer(start: valueKey.utf8Start, count: valueKey.utf8CodeUnitCount))
            try writeWellKnown(type, Int32(inner.index), bytes, value, depth: depth - 1)
        } else {
            try writeMembers(Int32(inner.index), bytes, value, depth: depth - 1)
        }
    }
}

private let typeKey: StaticString = "\"@type\":"
private let valueKey: StaticString = "\"value\":"
