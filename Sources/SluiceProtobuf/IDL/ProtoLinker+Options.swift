import SwiftProtobuf

/// Interprets option statements into `*Options` messages the way protoc does: standard options become
/// fields, custom ones (extensions) stay as their wire bytes in statement order, each aggregate value
/// serialized in field-number order, as protoc's dynamic message writes it.
extension ProtoLinker {
    mutating func interpretOptions(file index: Int) throws(ProtoIDLError) {
        var descriptor = files[index].descriptor
        let package = descriptor.package
        // Fields and extensions first: the file's other options may be among them, and their `retention`
        // says whether protoc keeps such an option in descriptor sets.
        for position in descriptor.extension.indices {
            try interpret(field: &descriptor.extension[position], scope: package, file: index)
        }
        try Self.updateMessages(&descriptor.messageType, scope: package) { (message, name) throws(ProtoIDLError) in
            for position in message.field.indices { try interpret(field: &message.field[position], scope: name, file: index) }
            for position in message.extension.indices {
                try interpret(field: &message.extension[position], scope: name, file: index)
            }
        }
        files[index].descriptor = descriptor
        collectTables(file: index)
        if let bytes = try optionBytes(ProtoElementKey.file, "FileOptions", relativeTo: ProtoParser.join(package, "dummy"), file: index) {
            descriptor.options = try decode(Google_Protobuf_FileOptions.self, bytes, file: index, key: ProtoElementKey.file)
        }
        for position in descriptor.enumType.indices {
            try interpret(enum: &descriptor.enumType[position], scope: package, file: index)
        }
        try Self.updateMessages(&descriptor.messageType, scope: package) { (message, name) throws(ProtoIDLError) in
            let key = ProtoElementKey.message(name)
            if let bytes = try optionBytes(key, "MessageOptions", relativeTo: name, file: index) {
                message.options = try decode(Google_Protobuf_MessageOptions.self, bytes, file: index, key: key)
                if message.options.hasMapEntry {
                    throw error(file: index, key, "map_entry should not be set explicitly. Use map<KeyType, ValueType> instead.")
                }
            }
            for position in message.enumType.indices { try interpret(enum: &message.enumType[position], scope: name, file: index) }
            for position in message.oneofDecl.indices {
                let oneofName = ProtoParser.join(name, message.oneofDecl[position].name)
                let oneofKey = ProtoElementKey.oneof(oneofName)
                if let bytes = try optionBytes(oneofKey, "OneofOptions", relativeTo: oneofName, file: index) {
                    message.oneofDecl[position].options = try decode(Google_Protobuf_OneofOptions.self, bytes, file: index, key: oneofKey)
                }
            }
            for position in message.extensionRange.indices {
                let rangeKey = ProtoElementKey.extensionRange(message: name, index: position)
                if let bytes = try optionBytes(rangeKey, "ExtensionRangeOptions", relativeTo: name, file: index) {
                    message.extensionRange[position].options = try decode(
                        Google_Protobuf_ExtensionRangeOptions.self, bytes, file: index, key: rangeKey)
                }
            }
        }
        for serviceIndex in descriptor.service.indices {
            let service = ProtoParser.join(package, descriptor.service[serviceIndex].name)
            let key = ProtoElementKey.service(service)
            if let bytes = try optionBytes(key, "ServiceOptions", relativeTo: service, file: index) {
                descriptor.service[serviceIndex].options = try decode(Google_Protobuf_ServiceOptions.self, bytes, file: index, key: key)
            }
            for methodIndex in descriptor.service[serviceIndex].method.indices {
                let method = ProtoParser.join(service, descriptor.service[serviceIndex].method[methodIndex].name)
                let methodKey = ProtoElementKey.method(method)
                if let bytes = try optionBytes(methodKey, "MethodOptions", relativeTo: method, file: index) {
                    descriptor.service[serviceIndex].method[methodIndex].options = try decode(
                        Google_Protobuf_MethodOptions.self, bytes, file: index, key: methodKey)
                }
            }
        }
        files[index].descriptor = descriptor
    }

    private mutating func interpret(field: inout Google_Protobuf_FieldDescriptorProto, scope: String, file: Int) throws(ProtoIDLError) {
        let name = ProtoParser.join(scope, field.name)
        let key = ProtoElementKey.field(name)
        if let bytes = try optionBytes(key, "FieldOptions", relativeTo: name, file: file) {
            field.options = try decode(Google_Protobuf_FieldOptions.self, bytes, file: file, key: key)
        }
    }

    private mutating func interpret(enum enumType: inout Google_Protobuf_EnumDescriptorProto, scope: String, file: Int) throws(ProtoIDLError) {
        let name = ProtoParser.join(scope, enumType.name)
        let key = ProtoElementKey.enumType(name)
        if let bytes = try optionBytes(key, "EnumOptions", relativeTo: name, file: file) {
            enumType.options = try decode(Google_Protobuf_EnumOptions.self, bytes, file: file, key: key)
        }
        for position in enumType.value.indices {
            let valueKey = ProtoElementKey.enumValue(enum: name, enumType.value[position].name)
            let valueName = ProtoParser.join(scope, enumType.value[position].name)
            if let bytes = try optionBytes(valueKey, "EnumValueOptions", relativeTo: valueName, file: file) {
                enumType.value[position].options = try decode(Google_Protobuf_EnumValueOptions.self, bytes, file: file, key: valueKey)
            }
        }
    }

    private func decode<M: SwiftProtobuf.Message>(_ type: M.Type, _ bytes: [UInt8], file: Int, key: String) throws(ProtoIDLError) -> M {
        do {
            return try M(serializedBytes: bytes)
        } catch {
            let place = files[file].options[key]?.first?.valueLocation ?? location(file: file, key)
            throw ProtoIDLError(location: place, message: "option values do not form a valid \(M.protoMessageName): \(error)")
        }
    }

    /// The wire bytes of the element's option statements, or `nil` when it has no options at all (an
    /// element with an empty options list still gets an options message, as a method's `{}` does in protoc).
    /// Extension fields must have had their own options interpreted (``interpretOptions(file:)`` does them first).
    private func optionBytes(_ key: String, _ optionsType: String, relativeTo: String, file: Int) throws(ProtoIDLError) -> [UInt8]? {
        guard let statements = files[file].options[key] else { return nil }
        let optionsName = "google.protobuf." + optionsType
        var bytes: [UInt8] = []
        var alreadySet: Set<[Int32]> = []
        var stripped = false
        for statement in statements {
            var messageName = optionsName
            var path: [Google_Protobuf_FieldDescriptorProto] = []
            for (position, part) in statement.name.enumerated() {
                let field = try optionField(part, in: messageName, relativeTo: relativeTo, file: file, statement: statement)
                path.append(field)
                if position < statement.name.count - 1 {
                    guard field.type == .message || field.type == .group, field.label != .repeated else {
                        throw ProtoIDLError(
                            location: statement.name[position + 1].location,
                            message: "option \"\(statement.displayName)\" is an atomic type, not a message")
                    }
                    messageName = String(field.typeName.dropFirst())
                }
            }
            guard let leaf = path.last else { continue }
            let numbers = path.map(\.number)
            if leaf.label != .repeated {
                if alreadySet.contains(numbers) {
                    throw ProtoIDLError(location: statement.name[0].location, message: "option \"\(statement.displayName)\" was already set")
                }
                alreadySet.insert(numbers)
            }
            // protoc leaves options declared `retention = RETENTION_SOURCE` out of descriptor sets.
            if path.contains(where: { $0.options.retention == .retentionSource }) {
                stripped = true
                continue
            }
            var encoded = try encodeField(leaf, [statement.value], at: statement.valueLocation, file: file, optionName: statement.displayName)
            for outer in path.dropLast().reversed() {
                encoded = ProtoWire.wrap(encoded, number: outer.number, asGroup: outer.type == .group)
            }
            bytes += encoded
        }
        // Options emptied by that are no options; `{}` written empty still are.
        return stripped && bytes.isEmpty ? nil : bytes
    }

    /// The field a name part means: a field of `messageName`, or an extension of it found from `relativeTo`.
    private func optionField(
        _ part: ProtoOptionStatement.NamePart, in messageName: String, relativeTo: String, file: Int, statement: ProtoOptionStatement
    ) throws(ProtoIDLError) -> Google_Protobuf_FieldDescriptorProto {
        guard let message = messages[messageName] else {
            throw ProtoIDLError(location: part.location, message: "\"\(messageName)\" is not defined (is google/protobuf/descriptor.proto loaded?)")
        }
        if !part.isExtension {
            if !message.field.contains(where: { $0.name == part.name }), messages["sluice.internal.FeatureSet"] != nil,
                let field = WellKnownProtos.supplementalOptionField(part.name, of: messageName)
            {
                return field
            }
            guard let field = message.field.first(where: { $0.name == part.name }) else {
                throw ProtoIDLError(location: part.location, message: "option \"\(statement.displayName)\" unknown: \"\(messageName)\" has no field \"\(part.name)\"")
            }
            return field
        }
        return try extensionField(part.name, of: messageName, relativeTo: relativeTo, file: file, at: part.location, optionName: statement.displayName)
    }

    func extensionField(
        _ name: String, of messageName: String, relativeTo: String, file: Int, at location: ProtoSourceLocation, optionName: String
    ) throws(ProtoIDLError) -> Google_Protobuf_FieldDescriptorProto {
        switch lookup(name, relativeTo: relativeTo, file: file, typesOnly: false) {
        case .notFound(let message):
            throw ProtoIDLError(
                location: location,
                message: "option \"\(optionName)\" unknown (\(message)) Ensure that your proto definition file imports the proto which defines the option.")
        case .found(let fullName, _):
            guard let field = extensions[fullName] else {
                throw ProtoIDLError(location: location, message: "option \"\(optionName)\": \"\(fullName)\" is not an extension")
            }
            guard field.extendee == "." + messageName else {
                throw ProtoIDLError(
                    location: location,
                    message: "option \"\(optionName)\" is an extension of \"\(field.extendee.dropFirst())\", not of \"\(messageName)\"")
            }
            return field
        }
    }
}
