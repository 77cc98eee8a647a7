import SwiftProtobuf

/// Option values to wire bytes, checked against the option field's type as protoc checks them.
extension ProtoLinker {
    /// `values` of `field` with their tags: each value once (a repeated field's list item by item, packed
    /// when the field is), a message value as its aggregate's bytes.
    func encodeField(
        _ field: Google_Protobuf_FieldDescriptorProto, _ values: [ProtoOptionValue], at location: ProtoSourceLocation,
        file: Int, optionName: String, packedByDefault: Bool = false
    ) throws(ProtoIDLError) -> [UInt8] {
        var bytes: [UInt8] = []
        if field.type == .message || field.type == .group {
            let messageName = String(field.typeName.dropFirst())
            for value in values {
                guard case .aggregate(let entries) = value else {
                    throw ProtoIDLError(location: location, message: "option \"\(optionName)\" is a message: write its value as { field: value ... }")
                }
                let payload = try encodeAggregate(entries, messageName: messageName, file: file, optionName: optionName)
                bytes += ProtoWire.wrap(payload, number: field.number, asGroup: field.type == .group)
            }
            return bytes
        }
        if values.count > 1 && isPacked(field, byDefault: packedByDefault) {
            var payload: [UInt8] = []
            for value in values { try appendScalar(value, of: field, to: &payload, at: location, optionName: optionName) }
            return ProtoWire.wrap(payload, number: field.number, asGroup: false)
        }
        for value in values {
            ProtoWire.appendTag(field.number, Self.wireType(of: field.type), to: &bytes)
            try appendScalar(value, of: field, to: &bytes, at: location, optionName: optionName)
        }
        return bytes
    }

    /// A text-format message as protobuf's dynamic message serializes it: fields in number order, a
    /// proto3 field without presence left out when it holds its zero value.
    func encodeAggregate(
        _ entries: [ProtoAggregateField], messageName: String, file: Int, optionName: String
    ) throws(ProtoIDLError) -> [UInt8] {
        guard let message = messages[messageName] else {
            throw ProtoIDLError(location: entries.first?.location ?? location(file: file, ProtoElementKey.file), message: "\"\(messageName)\" is not defined")
        }
        var order: [Int32] = []
        var byNumber: [Int32: (field: Google_Protobuf_FieldDescriptorProto, values: [ProtoOptionValue], location: ProtoSourceLocation)] = [:]
        for entry in entries {
            let field: Google_Protobuf_FieldDescriptorProto
            if entry.isExtension {
                field = try extensionField(entry.name, of: messageName, relativeTo: messageName, file: file, at: entry.location, optionName: optionName)
            } else if let match = message.field.first(where: {
                $0.name == entry.name || ($0.type == .group && $0.typeName.hasSuffix("." + entry.name))
            }) {
                field = match
            } else {
                throw ProtoIDLError(location: entry.location, message: "message type \"\(messageName)\" has no field named \"\(entry.name)\"")
            }
            var values: [ProtoOptionValue]
            if case .list(let items) = entry.value {
                guard field.label == .repeated else {
                    throw ProtoIDLError(location: entry.location, message: "field \"\(entry.name)\" is not repeated: a list cannot set it")
                }
                values = items
            } else {
                values = [entry.value]
            }
            if var existing = byNumber[field.number] {
                guard field.label == .repeated else {
                    throw ProtoIDLError(location: entry.location, message: "non-repeated field \"\(entry.name)\" is specified multiple times")
                }
                existing.values += values
                byNumber[field.number] = existing
            } else {
                if let oneof = field.hasOneofIndex && !field.proto3Optional ? field.oneofIndex : nil,
                    let other = byNumber.values.first(where: { $0.field.hasOneofIndex && $0.field.oneofIndex == oneof && !$0.field.proto3Optional && !$0.field.hasExtendee }),
                    !field.hasExtendee
                {
                    throw ProtoIDLError(location: entry.location, message: "field \"\(entry.name)\" is in the same oneof as \"\(other.field.name)\", which is already set")
                }
                order.append(field.number)
                byNumber[field.number] = (field, values, entry.location)
            }
        }
        let syntax = messageFiles[messageName].map { files[$0].descriptor.syntax } ?? ""
        let implicitPresence = syntax == "proto3"
        var bytes: [UInt8] = []
        for number in order.sorted() {
            guard let (field, values, location) = byNumber[number] else { continue }
            if implicitPresence && field.label != .repeated && !field.hasOneofIndex && !field.hasExtendee
                && field.type != .message && values.count == 1 && isZero(values[0])
            {
                continue
            }
            bytes += try encodeField(
                field, values, at: location, file: file, optionName: optionName,
                packedByDefault: !field.hasExtendee && (syntax == "proto3" || syntax == "editions"))
        }
        return bytes
    }

    private func isZero(_ value: ProtoOptionValue) -> Bool {
        switch value {
        case .integer(let magnitude, _): magnitude == 0
        case .float(let number): number == 0 && number.sign == .plus
        case .string(let bytes): bytes.isEmpty
        case .identifier(let name, _): name == "false"
        default: false
        }
    }

    /// proto3 and editions pack repeated numbers unless `[packed = false]`; proto2 only with `[packed = true]`.
    private func isPacked(_ field: Google_Protobuf_FieldDescriptorProto, byDefault: Bool) -> Bool {
        guard field.label == .repeated, ![.string, .bytes, .message, .group].contains(field.type) else { return false }
        return field.options.hasPacked ? field.options.packed : byDefault
    }

    static func wireType(of type: Google_Protobuf_FieldDescriptorProto.TypeEnum) -> UInt8 {
        switch type {
        case .double, .fixed64, .sfixed64: ProtoWire.fixed64
        case .float, .fixed32, .sfixed32: ProtoWire.fixed32
        case .string, .bytes, .message: ProtoWire.lengthDelimited
        case .group: ProtoWire.startGroup
        default: ProtoWire.varint
        }
    }

    private func appendScalar(
        _ value: ProtoOptionValue, of field: Google_Protobuf_FieldDescriptorProto, to bytes: inout [UInt8],
        at location: ProtoSourceLocation, optionName: String
    ) throws(ProtoIDLError) {
        func fail(_ message: String) -> ProtoIDLError {
            ProtoIDLError(location: location, message: "\(message) for option \"\(optionName)\"")
        }
        switch field.type {
        case .string, .bytes:
            guard case .string(let text) = value else { throw fail("value must be a quoted string") }
            if field.type == .string && String(validating: text, as: UTF8.self) == nil { throw fail("string value is not valid UTF-8") }
            ProtoWire.appendVarint(UInt64(text.count), to: &bytes)
            bytes += text
        case .bool:
            guard case .identifier(let word, false) = value, word == "true" || word == "false" else {
                throw fail("value must be \"true\" or \"false\"")
            }
            bytes.append(word == "true" ? 1 : 0)
        case .double, .float:
            let number: Double
            switch value {
            case .integer(let magnitude, let negative): number = negative ? -Double(magnitude) : Double(magnitude)
            case .float(let float): number = float
            case .identifier("inf", let negative): number = negative ? -.infinity : .infinity
            case .identifier("nan", _): number = .nan
            default: throw fail("value must be a number")
            }
            if field.type == .double {
                ProtoWire.appendLittleEndian(number.bitPattern, to: &bytes)
            } else {
                ProtoWire.appendLittleEndian(Float(number).bitPattern, to: &bytes)
            }
        case .enum:
            let enumName = String(field.typeName.dropFirst())
            guard case .identifier(let name, false) = value else { throw fail("value must be an identifier of enum \"\(enumName)\"") }
            guard let number = enums[enumName]?.value.first(where: { $0.name == name })?.number else {
                throw fail("enum type \"\(enumName)\" has no value named \"\(name)\"")
            }
            ProtoWire.appendVarint(UInt64(bitPattern: Int64(number)), to: &bytes)
        default:
            guard case .integer(let magnitude, let negative) = value else { throw fail("value must be an integer") }
            let (minimum, maximum) = ProtoParser.integerRange(field.type)
            if negative {
                guard minimum < 0, magnitude <= UInt64(-(minimum + 1)) + 1 else { throw fail("value out of range") }
            } else if magnitude > maximum {
                throw fail("value out of range")
            }
            let signed = negative ? Int64(bitPattern: 0 &- magnitude) : Int64(bitPattern: magnitude)
            switch field.type {
            case .sint32, .sint64: ProtoWire.appendVarint(UInt64(bitPattern: (signed << 1) ^ (signed >> 63)), to: &bytes)
            case .fixed32, .sfixed32: ProtoWire.appendLittleEndian(UInt32(truncatingIfNeeded: signed), to: &bytes)
            case .fixed64, .sfixed64: ProtoWire.appendLittleEndian(UInt64(bitPattern: signed), to: &bytes)
            default: ProtoWire.appendVarint(UInt64(bitPattern: signed), to: &bytes)
            }
        }
    }
}
