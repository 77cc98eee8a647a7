import NIOCore
import SluiceJSON

extension ProtobufToJSON {
    /// One occurrence of a repeated field: an element, a packed run of elements, or a map entry.
    mutating func writeRepeated(
        _ field: ProtobufFieldTable.Field, _ wireType: WireType, _ reader: inout ProtobufWireReader, depth: Int
    ) throws(ProtobufTranscodeError) {
        if field.isMap {
            guard wireType == .lengthDelimited else {
                try reader.skip(wireType, number: field.number, depth: depth)
                return
            }
            let entry = try reader.lengthDelimited()
            try writeMapEntry(field.target, reader.bytes, entry, depth: depth)
            return
        }
        let elementType = field.kind.wireType
        if wireType == .lengthDelimited && elementType != .lengthDelimited && elementType != .startGroup {
            // A packed run; accepted whether or not the schema says packed.
            let run = try reader.lengthDelimited()
            var elements = ProtobufWireReader(bytes: reader.bytes, range: run)
            while !elements.isAtEnd {
                let bits = try elements.value(elementType)
                if isUnknownClosedEnum(field, bits) { continue }
                flushPending()
                writeScalar(field.kind, field.target, bits)
            }
            return
        }
        _ = try writeValue(field, wireType, &reader, depth: depth, skipDefault: false)
    }

    /// Reads one value of `field` and writes it after the pending key, unless it is skipped: a wire type
    /// other than the field's, a closed enum's unknown number, or with `skipDefault` a zero or empty value
    /// (unless emitting defaults). Returns whether it was written.
    mutating func writeValue(
        _ field: ProtobufFieldTable.Field, _ wireType: WireType, _ reader: inout ProtobufWireReader, depth: Int,
        skipDefault: Bool
    ) throws(ProtobufTranscodeError) -> Bool {
        let expected = field.kind.wireType
        guard wireType == expected else {
            try reader.skip(wireType, number: field.number, depth: depth)
            return false
        }
        let skipZero = skipDefault && !options.emitDefaults
        switch field.kind {
        case .message:
            let range = try reader.lengthDelimited()
            flushPending()
            try writeMessage(field.target, reader.bytes, range, depth: depth - 1)
        case .group:
            let range = try reader.group(field.number, depth: depth)
            flushPending()
            try writeMessage(field.target, reader.bytes, range, depth: depth - 1)
        case .string:
            let range = try reader.lengthDelimited()
            if skipZero && range.isEmpty { return false }
            flushPending()
            guard json.string(utf8: UnsafeRawBufferPointer(rebasing: reader.bytes[range])) else {
                throw ProtobufTranscodeError(.malformedProtobuf, offset: range.lowerBound, "a string is not valid UTF-8")
            }
        case .bytes:
            let range = try reader.lengthDelimited()
            if skipZero && range.isEmpty { return false }
            flushPending()
            json.base64(UnsafeRawBufferPointer(rebasing: reader.bytes[range]))
        default:
            let bits = try reader.value(expected)
            if skipZero && bits == 0 { return false }
            if isUnknownClosedEnum(field, bits) { return false }
            flushPending()
            writeScalar(field.kind, field.target, bits)
        }
        return true
    }

    /// A number a closed (proto2) enum does not declare: protobuf readers keep it as an unknown field.
    @inline(__always)
    func isUnknownClosedEnum(_ field: ProtobufFieldTable.Field, _ bits: UInt64) -> Bool {
        field.kind == .enumeration && table.enums[Int(field.target)].isClosed
            && table.enumValue(numbered: Int32(truncatingIfNeeded: bits), in: field.target) == nil
    }

    /// A numeric, bool or enum value from its wire bits: 64-bit integers as strings, the rest as numbers.
    mutating func writeScalar(_ kind: ProtobufKind, _ target: Int32, _ bits: UInt64) {
        switch kind {
        case .int32:
            json.int(Int32(truncatingIfNeeded: bits))
        case .sint32:
            let value = UInt32(truncatingIfNeeded: bits)
            json.int(Int32(bitPattern: (value >> 1) ^ (0 &- (value & 1))))
        case .sfixed32:
            json.int(Int32(bitPattern: UInt32(truncatingIfNeeded: bits)))
        case .uint32, .fixed32:
            json.uint(UInt64(UInt32(truncatingIfNeeded: bits)))
        case .int64, .sfixed64:
            json.quotedInt(Int64(bitPattern: bits))
        case .sint64:
            json.quotedInt(Int64(bitPattern: (bits >> 1) ^ (0 &- (bits & 1))))
        case .uint64, .fixed64:
            writeQuoted(bits)
        case .bool:
            json.bool(bits != 0)
        case .float:
            writeFloat(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
        case .double:
            json.double(Double(bitPattern: bits))
        case .enumeration:
            writeEnum(target, Int32(truncatingIfNeeded: bits))
        case .string, .bytes, .message, .group:
            break
        }
    }

    /// An unsigned 64-bit value as a JSON string.
    private mutating func writeQuoted(_ value: UInt64) {
        if value <= UInt64(Int64.max) {
            json.quotedInt(Int64(value))
        } else {
            // The writer formats signed values only; these 20 digits are formatted here, not through a String.
            withQuotedDecimal(value, colon: false) { json.rawValue($0) }
        }
    }

    /// A float as the shortest text that reads back to the same float (not to the same double, which would
    /// print 0.1f as 0.10000000149011612).
    private mutating func writeFloat(_ value: Float) {
        guard value.isFinite else {
            json.double(Double(value))  // "NaN", "Infinity", "-Infinity"
            return
        }
        // `description` is Swift's shortest round-trip form, valid JSON for finite values, and short enough
        // to stay inside a small String: no allocation.
        var text = value.description
        text.withUTF8 { json.rawValue(UnsafeRawBufferPointer($0)) }
    }

    /// An enum value: its name, or its number with `enumsAsInts` or when the enum does not declare it.
    /// `NullValue` is `null` unless numbers are asked for (as `json_format` has it).
    mutating func writeEnum(_ index: Int32, _ number: Int32) {
        if options.enumsAsInts {
            json.int(number)
        } else if index == table.nullValueEnum {
            json.null()
        } else if let value = table.enumValue(numbered: number, in: index) {
            json.rawValue(table.bytes(value.quoted))
        } else {
            json.int(number)
        }
    }

    /// The JSON of a field's default: zero, false, "", an empty message, an enum's zero value.
    mutating func writeDefault(_ field: ProtobufFieldTable.Field, depth: Int) throws(ProtobufTranscodeError) {
        switch field.kind {
        case .message, .group:
            try writeMessage(field.target, UnsafeRawBufferPointer(start: nil, count: 0), 0..<0, depth: depth - 1)
        case .string:
            json.string("")
        case .bytes:
            json.rawValue(UnsafeRawBufferPointer(start: emptyQuotes.utf8Start, count: 2))
        default:
            writeScalar(field.kind, field.target, 0)
        }
    }

    /// With `emitDefaults`: every field without presence that the message did not set, at its default
    /// (`[]` and `{}` for repeated fields and maps).
    mutating func writeDefaults(
        _ message: ProtobufFieldTable.Message, seen: ProtobufFieldSet, depth: Int
    ) throws(ProtobufTranscodeError) {
        for index in 0..<Int(message.fieldCount) where !seen.contains(index) {
            let field = table.field(index, of: message)
            if field.hasPresence { continue }
            json.rawKey(table.bytes(key(field)))
            if field.isMap {
                json.beginObject()
                json.endObject()
            } else if field.isRepeated {
                json.beginArray()
                json.endArray()
            } else {
                try writeDefault(field, depth: depth)
            }
        }
    }
}

private let emptyQuotes: StaticString = "\"\""

/// Calls `body` with `"digits"` (and a `:` with `colon`) of `value`, formatted on the stack.
func withQuotedDecimal(_ value: UInt64, colon: Bool, _ body: (UnsafeRawBufferPointer) -> Void) {
    withUnsafeTemporaryAllocation(byteCount: 24, alignment: 1) { output in
        var digits = 1
        var rest = value
        while rest >= 10 {
            digits += 1
            rest /= 10
        }
        output[0] = UInt8(ascii: "\"")
        var remaining = value
        for index in stride(from: digits, through: 1, by: -1) {
            output[index] = UInt8(ascii: "0") &+ UInt8(remaining % 10)
            remaining /= 10
        }
        output[digits + 1] = UInt8(ascii: "\"")
        if colon { output[digits + 2] = UInt8(ascii: ":") }
        body(UnsafeRawBufferPointer(rebasing: output[0..<(digits + (colon ? 3 : 2))]))
    }
}
