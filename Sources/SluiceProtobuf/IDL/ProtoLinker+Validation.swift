import SwiftProtobuf

/// The checks protoc's descriptor builder makes once names are resolved: field numbers (range, unique,
/// reserved), reserved names, map keys, extension numbers, enum aliases and proto3 rules.
extension ProtoLinker {
    static let firstReservedNumber: Int32 = 19000
    static let lastReservedNumber: Int32 = 19999

    mutating func validate(file index: Int) throws(ProtoIDLError) {
        let descriptor = files[index].descriptor
        let syntax = descriptor.syntax
        for enumType in descriptor.enumType { try validate(enum: enumType, scope: descriptor.package, file: index) }
        for field in descriptor.extension { try validateExtension(field, scope: descriptor.package, file: index) }
        var failure: ProtoIDLError?
        Self.visitMessages(descriptor.messageType, scope: descriptor.package) { message, name in
            guard failure == nil else { return }
            do throws(ProtoIDLError) {
                try validate(message: message, name: name, syntax: syntax, file: index)
                for enumType in message.enumType { try validate(enum: enumType, scope: name, file: index) }
                for field in message.extension { try validateExtension(field, scope: name, file: index) }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    private func validate(message: Google_Protobuf_DescriptorProto, name: String, syntax: String, file: Int) throws(ProtoIDLError) {
        var byNumber: [Int32: String] = [:]
        var byJSONName: [String: String] = [:]
        if syntax == "proto3" && !message.extensionRange.isEmpty {
            throw error(file: file, ProtoElementKey.extensionRange(message: name, index: 0), "extension ranges are not allowed in proto3")
        }
        for field in message.field {
            let key = ProtoElementKey.field(ProtoParser.join(name, field.name))
            let numberKey = ProtoElementKey.part(key, "number")
            try checkNumber(field.number, file: file, key: numberKey)
            if let other = byNumber[field.number] {
                throw error(file: file, numberKey, "field number \(field.number) has already been used in \"\(name)\" by field \"\(other)\"")
            }
            byNumber[field.number] = field.name
            if message.reservedRange.contains(where: { $0.start <= field.number && field.number < $0.end }) {
                throw error(file: file, numberKey, "field \"\(field.name)\" uses reserved number \(field.number)")
            }
            if message.reservedName.contains(field.name) {
                throw error(file: file, key, "field name \"\(field.name)\" is reserved")
            }
            if let range = message.extensionRange.first(where: { $0.start <= field.number && field.number < $0.end }) {
                throw error(file: file, numberKey,
                    "extension range \(range.start) to \(range.end - 1) includes field \"\(field.name)\" (\(field.number))")
            }
            if syntax == "proto3" {
                let json = (field.hasJsonName ? field.jsonName : ProtoJSONName.of(field.name)).lowercased()
                if let other = byJSONName[json] {
                    throw error(file: file, key,
                        "the JSON camel-case name of field \"\(field.name)\" conflicts with field \"\(other)\". This is not allowed in proto3.")
                }
                byJSONName[json] = field.name
                if field.type == .enum, let enumFile = symbols[String(field.typeName.dropFirst())]?.file,
                    files[enumFile].descriptor.syntax != "proto3" && files[enumFile].descriptor.syntax != "editions"
                {
                    throw error(file: file, ProtoElementKey.part(key, "type"),
                        "enum type \"\(field.typeName.dropFirst())\" is not a proto3 enum, but is used in \"\(name)\" which is a proto3 message type")
                }
            }
            if field.label == .repeated, field.type == .message, let entry = messages[String(field.typeName.dropFirst())],
                entry.options.mapEntry
            {
                try validateMapKey(entry, file: file, key: ProtoElementKey.part(key, "type"))
            }
        }
        for (position, oneof) in message.oneofDecl.enumerated()
        where !message.field.contains(where: { $0.hasOneofIndex && $0.oneofIndex == Int32(position) }) {
            throw error(file: file, ProtoElementKey.oneof(ProtoParser.join(name, oneof.name)), "oneof must have at least one field")
        }
    }

    private func validateMapKey(_ entry: Google_Protobuf_DescriptorProto, file: Int, key: String) throws(ProtoIDLError) {
        guard let keyField = entry.field.first(where: { $0.number == 1 }) else { return }
        switch keyField.type {
        case .float, .double, .bytes, .message, .group:
            throw error(file: file, key, "key in map fields cannot be float/double, bytes or message types")
        case .enum:
            throw error(file: file, key, "key in map fields cannot be enum types")
        default: break
        }
    }

    private func checkNumber(_ number: Int32, file: Int, key: String) throws(ProtoIDLError) {
        if number < 1 || number > ProtoParser.maximumFieldNumber {
            throw error(file: file, key, "field numbers must be between 1 and \(ProtoParser.maximumFieldNumber), not \(number)")
        }
        if number >= Self.firstReservedNumber && number <= Self.lastReservedNumber {
            throw error(file: file, key,
                "field numbers \(Self.firstReservedNumber) through \(Self.lastReservedNumber) are reserved for the protocol buffer library implementation")
        }
    }

    private mutating func validateExtension(_ field: Google_Protobuf_FieldDescriptorProto, scope: String, file: Int) throws(ProtoIDLError) {
        let key = ProtoElementKey.field(ProtoParser.join(scope, field.name))
        let numberKey = ProtoElementKey.part(key, "number")
        try checkNumber(field.number, file: file, key: numberKey)
        let extendee = String(field.extendee.dropFirst())
        if files[file].descriptor.syntax == "proto3" && !(extendee.hasPrefix("google.protobuf.") && extendee.hasSuffix("Options")) {
            throw error(file: file, ProtoElementKey.part(key, "extendee"), "extensions in proto3 are only allowed for defining options")
        }
        guard let message = messages[extendee] else { return }
        if !message.extensionRange.contains(where: { $0.start <= field.number && field.number < $0.end }) {
            throw error(file: file, numberKey, "\"\(extendee)\" does not declare \(field.number) as an extension number")
        }
        let claim = "\(extendee)#\(field.number)"
        if let other = extensionNumbers[claim] {
            throw error(file: file, numberKey, "extension number \(field.number) has already been used in \"\(extendee)\" by extension \"\(other)\"")
        }
        extensionNumbers[claim] = ProtoParser.join(scope, field.name)
    }

    private func validate(enum enumType: Google_Protobuf_EnumDescriptorProto, scope: String, file: Int) throws(ProtoIDLError) {
        let name = ProtoParser.join(scope, enumType.name)
        let key = ProtoElementKey.enumType(name)
        guard let first = enumType.value.first else { throw error(file: file, key, "enums must contain at least one value") }
        if files[file].descriptor.syntax == "proto3" && first.number != 0 {
            throw error(file: file, ProtoElementKey.enumValue(enum: name, first.name), "the first enum value must be zero in proto3")
        }
        var byNumber: [Int32: String] = [:]
        var hasAlias = false
        for value in enumType.value {
            let valueKey = ProtoElementKey.enumValue(enum: name, value.name)
            if let other = byNumber[value.number] {
                hasAlias = true
                if !enumType.options.allowAlias {
                    throw error(file: file, valueKey,
                        "\"\(ProtoParser.join(scope, value.name))\" uses the same enum value as \"\(ProtoParser.join(scope, other))\". If this is intended, set 'option allow_alias = true;' to the enum definition.")
                }
            } else {
                byNumber[value.number] = value.name
            }
            if enumType.reservedRange.contains(where: { $0.start <= value.number && value.number <= $0.end }) {
                throw error(file: file, valueKey, "enum value \"\(value.name)\" uses reserved number \(value.number)")
            }
            if enumType.reservedName.contains(value.name) {
                throw error(file: file, valueKey, "enum value \"\(value.name)\" is reserved")
            }
        }
        if enumType.options.allowAlias && !hasAlias {
            throw error(file: file, key, "\"\(name)\" declares 'option allow_alias = true;', but does not have any aliased values")
        }
    }

    mutating func fillJSONNames(file index: Int) {
        func fill(_ fields: inout [Google_Protobuf_FieldDescriptorProto]) {
            for position in fields.indices where !fields[position].hasJsonName {
                fields[position].jsonName = ProtoJSONName.of(fields[position].name)
            }
        }
        fill(&files[index].descriptor.extension)
        try? Self.updateMessages(&files[index].descriptor.messageType, scope: "") { (message, _) throws(ProtoIDLError) in
            fill(&message.field)
            fill(&message.extension)
        }
    }
}
