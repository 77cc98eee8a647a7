import SwiftProtobuf

extension ProtobufSchema {
    /// Compiles linked files: every type name in them fully qualified (`.pkg.Type`), as
    /// `protoc --descriptor_set_out --include_imports` writes them and the linker produces them.
    public convenience init(files: [Google_Protobuf_FileDescriptorProto]) throws(ProtobufSchemaError) {
        var builder = SchemaBuilder()
        for file in files {
            let prefix = file.package.isEmpty ? "" : file.package + "."
            let syntax = FileSyntax(file)
            for message in file.messageType { try builder.declare(message, prefix: prefix, syntax: syntax) }
            for enumeration in file.enumType { try builder.declare(enumeration, prefix: prefix, syntax: syntax) }
        }
        var messages: [ProtobufMessage] = []
        messages.reserveCapacity(builder.pendingMessages.count)
        for pending in builder.pendingMessages { messages.append(try builder.compile(pending)) }
        var methods: [String: ProtobufMethod] = [:]
        for file in files {
            let prefix = file.package.isEmpty ? "" : file.package + "."
            for service in file.service {
                for method in service.method {
                    let fullName = prefix + service.name + "." + method.name
                    guard methods[fullName] == nil else {
                        throw ProtobufSchemaError(.duplicateName, element: fullName, "defined twice")
                    }
                    methods[fullName] = ProtobufMethod(
                        fullName: fullName, input: try builder.messageID(method.inputType, for: fullName),
                        output: try builder.messageID(method.outputType, for: fullName),
                        clientStreaming: method.clientStreaming, serverStreaming: method.serverStreaming)
                }
            }
        }
        let nullValue = builder.enumIDs["google.protobuf.NullValue"].map { ProtobufEnumID(index: $0) }
        self.init(messages: messages, enums: builder.enums, methods: methods, nullValueEnum: nullValue)
    }
}

/// What a file's syntax decides for its fields and enums.
struct FileSyntax {
    var isProto3: Bool
    var isEditions: Bool
    /// Editions' file-level features; fields and enums may override them.
    var features: Google_Protobuf_FeatureSet

    init(_ file: Google_Protobuf_FileDescriptorProto) {
        isProto3 = file.syntax == "proto3"
        isEditions = file.syntax == "editions"
        features = file.options.features
    }
}

private struct SchemaBuilder {
    struct PendingMessage {
        let proto: Google_Protobuf_DescriptorProto
        let fullName: String
        let syntax: FileSyntax
    }

    var pendingMessages: [PendingMessage] = []
    var messageIDs: [String: Int] = [:]
    var enums: [ProtobufEnum] = []
    var enumIDs: [String: Int] = [:]

    mutating func declare(_ message: Google_Protobuf_DescriptorProto, prefix: String, syntax: FileSyntax) throws(ProtobufSchemaError) {
        let fullName = prefix + message.name
        guard messageIDs[fullName] == nil, enumIDs[fullName] == nil else {
            throw ProtobufSchemaError(.duplicateName, element: fullName, "defined twice")
        }
        messageIDs[fullName] = pendingMessages.count
        pendingMessages.append(PendingMessage(proto: message, fullName: fullName, syntax: syntax))
        for nested in message.nestedType { try declare(nested, prefix: fullName + ".", syntax: syntax) }
        for enumeration in message.enumType { try declare(enumeration, prefix: fullName + ".", syntax: syntax) }
    }

    mutating func declare(_ enumeration: Google_Protobuf_EnumDescriptorProto, prefix: String, syntax: FileSyntax) throws(ProtobufSchemaError) {
        let fullName = prefix + enumeration.name
        guard messageIDs[fullName] == nil, enumIDs[fullName] == nil else {
            throw ProtobufSchemaError(.duplicateName, element: fullName, "defined twice")
        }
        let closed: Bool
        if syntax.isEditions {
            let feature = enumeration.options.features.hasEnumType ? enumeration.options.features.enumType : syntax.features.enumType
            closed = feature == .closed
        } else {
            closed = !syntax.isProto3
        }
        enumIDs[fullName] = enums.count
        enums.append(ProtobufEnum(
            fullName: fullName, values: enumeration.value.map { ProtobufEnumValue(name: $0.name, number: $0.number) },
            isClosed: closed))
    }

    func messageID(_ typeName: String, for element: String) throws(ProtobufSchemaError) -> ProtobufMessageID {
        guard typeName.hasPrefix("."), let index = messageIDs[String(typeName.dropFirst())] else {
            throw ProtobufSchemaError(.unresolvedType, element: element, "no message type '\(typeName)' (type names must be fully qualified)")
        }
        return ProtobufMessageID(index: index)
    }

    func compile(_ pending: PendingMessage) throws(ProtobufSchemaError) -> ProtobufMessage {
        var fields: [ProtobufField] = []
        fields.reserveCapacity(pending.proto.field.count)
        // proto3 `optional` fields sit in synthetic oneofs, which are not oneofs for JSON or for exclusivity.
        var realOneofs: [Int: Int] = [:]
        var oneofNames: [String] = []
        for field in pending.proto.field where field.hasOneofIndex && !field.proto3Optional {
            let declared = Int(field.oneofIndex)
            if realOneofs[declared] == nil {
                realOneofs[declared] = oneofNames.count
                let decls = pending.proto.oneofDecl
                oneofNames.append(declared < decls.count ? decls[declared].name : "oneof\(declared)")
            }
        }
        for field in pending.proto.field {
            let oneof = field.hasOneofIndex && !field.proto3Optional ? realOneofs[Int(field.oneofIndex)] : nil
            fields.append(try compile(field, of: pending, oneof: oneof))
        }
        fields.sort { $0.number < $1.number }
        for index in fields.indices.dropFirst() where fields[index].number == fields[index - 1].number {
            throw ProtobufSchemaError(.duplicateName, element: pending.fullName, "field number \(fields[index].number) is used twice")
        }
        let isMapEntry = pending.proto.options.mapEntry
        if isMapEntry && (fields.count != 2 || fields[0].number != 1 || fields[1].number != 2) {
            throw ProtobufSchemaError(.invalidField, element: pending.fullName, "a map entry needs exactly a key (1) and a value (2)")
        }
        return ProtobufMessage(
            fullName: pending.fullName, fields: fields, oneofs: oneofNames, isMapEntry: isMapEntry,
            wellKnown: ProtobufWellKnownType(fullName: pending.fullName))
    }

    private func compile(
        _ field: Google_Protobuf_FieldDescriptorProto, of pending: PendingMessage, oneof: Int?
    ) throws(ProtobufSchemaError) -> ProtobufField {
        let element = pending.fullName + "." + field.name
        let type = try resolve(field, element: element)
        let syntax = pending.syntax
        let features = field.options.features
        var label: ProtobufLabel = switch field.label {
        case .repeated: .repeated
        case .required: .required
        default: .optional
        }
        if syntax.isEditions && label == .optional
            && (features.hasFieldPresence ? features.fieldPresence : syntax.features.fieldPresence) == .legacyRequired
        {
            label = .required
        }
        let isScalar: Bool
        switch type {
        case .string, .bytes, .message, .group: isScalar = false
        default: isScalar = true
        }
        var isPacked = false
        if label == .repeated && isScalar {
            if field.options.hasPacked {
                isPacked = field.options.packed
            } else if syntax.isEditions {
                let encoding = features.hasRepeatedFieldEncoding ? features.repeatedFieldEncoding : syntax.features.repeatedFieldEncoding
                isPacked = encoding != .expanded
            } else {
                isPacked = syntax.isProto3
            }
        }
        var hasPresence = false
        if label != .repeated {
            switch type {
            case .message, .group: hasPresence = true
            default:
                if oneof != nil || field.proto3Optional || label == .required {
                    hasPresence = true
                } else if syntax.isEditions {
                    hasPresence = (features.hasFieldPresence ? features.fieldPresence : syntax.features.fieldPresence) != .implicit
                } else {
                    hasPresence = !syntax.isProto3
                }
            }
        }
        var isMap = false
        if label == .repeated, case .message(let id) = type, let entry = pendingMessageIsMapEntry(id) {
            isMap = entry
        }
        var defaultValue: ProtobufDefault? = nil
        if field.hasDefaultValue {
            guard let parsed = ProtobufDefault(text: field.defaultValue, type: type, enums: enums) else {
                throw ProtobufSchemaError(.invalidField, element: element, "invalid default value '\(field.defaultValue)'")
            }
            defaultValue = parsed
        }
        return ProtobufField(
            name: field.name, jsonName: field.hasJsonName ? field.jsonName : ProtoJSONName.of(field.name),
            number: field.number, type: type, label: label, isPacked: isPacked, hasPresence: hasPresence,
            oneofIndex: oneof, defaultValue: defaultValue, isMap: isMap)
    }

    private func pendingMessageIsMapEntry(_ id: ProtobufMessageID) -> Bool? {
        pendingMessages[id.index].proto.options.mapEntry
    }

    private func resolve(_ field: Google_Protobuf_FieldDescriptorProto, element: String) throws(ProtobufSchemaError) -> ProtobufFieldType {
        switch field.type {
        case .double: return .double
        case .float: return .float
        case .int64: return .int64
        case .uint64: return .uint64
        case .int32: return .int32
        case .fixed64: return .fixed64
        case .fixed32: return .fixed32
        case .bool: return .bool
        case .string: return .string
        case .bytes: return .bytes
        case .uint32: return .uint32
        case .sfixed32: return .sfixed32
        case .sfixed64: return .sfixed64
        case .sint32: return .sint32
        case .sint64: return .sint64
        case .group: return .group(try messageID(field.typeName, for: element))
        case .message: return .message(try messageID(field.typeName, for: element))
        case .enum:
            guard field.typeName.hasPrefix("."), let index = enumIDs[String(field.typeName.dropFirst())] else {
                throw ProtobufSchemaError(.unresolvedType, element: element, "no enum type '\(field.typeName)' (type names must be fully qualified)")
            }
            return .enumeration(ProtobufEnumID(index: index))
        }
    }
}
