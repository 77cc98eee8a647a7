import SluiceJSON

extension ProtobufToJSON {
    /// One map entry (key field 1, value field 2, in any order, the last of each winning, either absent
    /// meaning its default) as an object member.
    mutating func writeMapEntry(
        _ entryIndex: Int32, _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int
    ) throws(ProtobufTranscodeError) {
        let entry = table.messages[Int(entryIndex)]
        if !isWellOrdered(entry, bytes, range, depth: depth) {
            // A key or value given twice: the last key wins, message values merge.
            try withCanonical(entry, bytes, range, depth: depth) { (this, copy) throws(ProtobufTranscodeError) in
                try this.writeMapEntry(entryIndex, copy, 0..<copy.count, depth: depth)
            }
            return
        }
        let keyField = table.field(0, of: entry)
        let valueField = table.field(1, of: entry)
        var reader = ProtobufWireReader(bytes: bytes, range: range)
        var keyBits: UInt64 = 0
        var keyText = 0..<0
        var valueStart = -1
        while !reader.isAtEnd {
            let (number, wireType) = try reader.tag()
            if number == 1 && wireType == keyField.kind.wireType {
                if wireType == .lengthDelimited { keyText = try reader.lengthDelimited() } else { keyBits = try reader.value(wireType) }
            } else if number == 2 && wireType == valueField.kind.wireType {
                valueStart = reader.offset
                try reader.skip(wireType, number: 2, depth: depth)
            } else {
                try reader.skip(wireType, number: number, depth: depth)
            }
        }
        var valueReader = ProtobufWireReader(bytes: bytes, range: max(valueStart, range.lowerBound)..<range.upperBound)
        if valueStart >= 0 && valueField.kind == .enumeration {
            var probe = valueReader
            if isUnknownClosedEnum(valueField, try probe.varint()) { return }  // the whole entry is unknown
        }
        flushPending()
        try writeMapKey(keyField.kind, keyBits, UnsafeRawBufferPointer(rebasing: bytes[keyText]))
        do throws(ProtobufTranscodeError) {
            if valueStart >= 0 {
                _ = try writeValue(valueField, valueField.kind.wireType, &valueReader, depth: depth, skipDefault: false)
            } else {
                try writeDefault(valueField, depth: depth)
            }
        } catch {
            throw error.under(key: keyField.kind == .string ? String(decoding: bytes[keyText], as: UTF8.self) : "\(keyBits)")
        }
    }

    /// A map key as a JSON object key: text as it is, integers and booleans spelled out.
    private mutating func writeMapKey(_ kind: ProtobufKind, _ bits: UInt64, _ text: UnsafeRawBufferPointer) throws(ProtobufTranscodeError) {
        switch kind {
        case .string:
            guard json.key(utf8: text) else {
                throw ProtobufTranscodeError(.malformedProtobuf, "a map key is not valid UTF-8")
            }
        case .bool:
            json.key(bits != 0 ? "true" : "false")
        case .uint32, .fixed32:
            json.intKey(Int64(UInt32(truncatingIfNeeded: bits)))
        case .uint64, .fixed64:
            if bits <= UInt64(Int64.max) {
                json.intKey(Int64(bits))
            } else {
                withQuotedDecimal(bits, colon: true) { json.rawKey($0) }
            }
        case .int32:
            json.intKey(Int64(Int32(truncatingIfNeeded: bits)))
        case .sint32:
            let value = UInt32(truncatingIfNeeded: bits)
            json.intKey(Int64(Int32(bitPattern: (value >> 1) ^ (0 &- (value & 1)))))
        case .sfixed32:
            json.intKey(Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: bits))))
        case .sint64:
            json.intKey(Int64(bitPattern: (bits >> 1) ^ (0 &- (bits & 1))))
        default:
            json.intKey(Int64(bitPattern: bits))
        }
    }
}
