import SwiftProtobuf

/// Resolves the type names of fields, extendees and methods to `.full.Name` and sets message or enum types.
extension ProtoLinker {
    mutating func resolveTypes(file index: Int) throws(ProtoIDLError) {
        var descriptor = files[index].descriptor
        let package = descriptor.package
        for position in descriptor.extension.indices {
            try resolve(&descriptor.extension[position], scope: package, file: index)
        }
        try Self.updateMessages(&descriptor.messageType, scope: package) { (message, name) throws(ProtoIDLError) in
            for position in message.field.indices { try resolve(&message.field[position], scope: name, file: index) }
            for position in message.extension.indices { try resolve(&message.extension[position], scope: name, file: index) }
        }
        for serviceIndex in descriptor.service.indices {
            let service = ProtoParser.join(package, descriptor.service[serviceIndex].name)
            for methodIndex in descriptor.service[serviceIndex].method.indices {
                var method = descriptor.service[serviceIndex].method[methodIndex]
                let fullName = ProtoParser.join(service, method.name)
                let key = ProtoElementKey.method(fullName)
                method.inputType = try resolveMessage(method.inputType, relativeTo: fullName, file: index, key: ProtoElementKey.part(key, "input"))
                method.outputType = try resolveMessage(method.outputType, relativeTo: fullName, file: index, key: ProtoElementKey.part(key, "output"))
                descriptor.service[serviceIndex].method[methodIndex] = method
            }
        }
        files[index].descriptor = descriptor
    }

    private mutating func resolve(_ field: inout Google_Protobuf_FieldDescriptorProto, scope: String, file: Int) throws(ProtoIDLError) {
        let fullName = ProtoParser.join(scope, field.name)
        let key = ProtoElementKey.field(fullName)
        if field.hasExtendee {
            field.extendee = try resolveMessage(field.extendee, relativeTo: fullName, file: file, key: ProtoElementKey.part(key, "extendee"))
        }
        guard field.hasTypeName else { return }
        let typeKey = ProtoElementKey.part(key, "type")
        switch lookup(field.typeName, relativeTo: fullName, file: file, typesOnly: true) {
        case .notFound(let message):
            throw error(file: file, typeKey, message)
        case .found(let name, let symbol):
            field.typeName = "." + name
            if symbol.kind == .enumType {
                if field.hasType && field.type != .enum {
                    throw error(file: file, typeKey, "\"\(name)\" is an enum, not a message type")
                }
                field.type = .enum
            } else if !field.hasType || field.type != .group {
                if field.hasType && field.type != .message {
                    throw error(file: file, typeKey, "\"\(name)\" is a message, not an enum type")
                }
                field.type = .message
            }
            if field.type == .message || field.type == .group, field.hasDefaultValue {
                throw error(file: file, ProtoElementKey.part(key, "default"), "messages can't have default values")
            }
        }
    }

    private func resolveMessage(_ name: String, relativeTo: String, file: Int, key: String) throws(ProtoIDLError) -> String {
        switch lookup(name, relativeTo: relativeTo, file: file, typesOnly: true) {
        case .notFound(let message): throw error(file: file, key, message)
        case .found(let fullName, let symbol):
            guard symbol.kind == .message else { throw error(file: file, key, "\"\(name)\" is not a message type") }
            return "." + fullName
        }
    }
}
