// Why hand-written: SwiftProtobuf prints no `.proto` text, and grpcurl's printer (jhump/protoreflect's protoprint)
// is Go. This prints only what a reader needs to write a call: methods, fields, oneofs, enum values.

public import SwiftProtobuf

/// A service and the types it uses as proto-like text, the way grpcurl's `describe` prints them (jhump's
/// protoprint): `rpc Watch ( .pkg.Req ) returns ( stream .pkg.Resp );`, `message Req { ... }`, type names fully
/// qualified with their leading dot. What `sluice call --list SERVICE` shows of a reflected (or loaded) service.
public enum ProtoDescription {
    /// The full names of the services `files` define, sorted.
    public static func services(in files: [Google_Protobuf_FileDescriptorProto]) -> [String] {
        files.flatMap { file in file.service.map { prefix(file) + $0.name } }.sorted()
    }

    /// `service`'s block, then one block per message and enum its methods use, directly or through fields,
    /// first use first (map entries shown as `map<K, V>`, `google.protobuf.*` types left out); nil if no file
    /// defines `service`.
    public static func describe(service fullName: String, in files: [Google_Protobuf_FileDescriptorProto]) -> String? {
        let types = TypeIndex(files)
        var found: Google_Protobuf_ServiceDescriptorProto?
        for file in files where found == nil {
            found = file.service.first { prefix(file) + $0.name == fullName }
        }
        guard let service = found else { return nil }
        var text = "\(fullName) is a service:\nservice \(service.name) {\n"
        var queue: [String] = []
        for method in service.method {
            let input = (method.clientStreaming ? "stream " : "") + method.inputType
            let output = (method.serverStreaming ? "stream " : "") + method.outputType
            text += "  rpc \(method.name) ( \(input) ) returns ( \(output) );\n"
            queue.append(method.inputType)
            queue.append(method.outputType)
        }
        text += "}\n"
        var seen: Set<String> = []
        var index = 0
        while index < queue.count {
            let name = queue[index]
            index += 1
            guard !name.hasPrefix(".google.protobuf."), seen.insert(name).inserted else { continue }
            if let (message, syntax) = types.messages[name] {
                text += "\n\(name.dropFirst()) is a message:\n" + describe(message, syntax: syntax, types: types)
                queue += referenced(by: message, types: types)
            } else if let enumeration = types.enums[name] {
                text += "\n\(name.dropFirst()) is an enum:\n" + describe(enumeration)
            }
        }
        return text
    }

    private static func prefix(_ file: Google_Protobuf_FileDescriptorProto) -> String {
        file.package.isEmpty ? "" : file.package + "."
    }

    /// Every message and enum by `.full.name`.
    private struct TypeIndex {
        var messages: [String: (Google_Protobuf_DescriptorProto, String)] = [:]
        var enums: [String: Google_Protobuf_EnumDescriptorProto] = [:]

        init(_ files: [Google_Protobuf_FileDescriptorProto]) {
            for file in files {
                let scope = "." + prefix(file)
                for message in file.messageType { add(message, scope: scope, syntax: file.syntax) }
                for enumeration in file.enumType { enums[scope + enumeration.name] = enumeration }
            }
        }

        private mutating func add(_ message: Google_Protobuf_DescriptorProto, scope: String, syntax: String) {
            let name = scope + message.name
            messages[name] = (message, syntax)
            for nested in message.nestedType { add(nested, scope: name + ".", syntax: syntax) }
            for enumeration in message.enumType { enums[name + "." + enumeration.name] = enumeration }
        }
    }

    /// The message and enum types `message`'s fields name, a map's key and value in place of its entry.
    private static func referenced(by message: Google_Protobuf_DescriptorProto, types: TypeIndex) -> [String] {
        message.field.flatMap { field -> [String] in
            guard field.hasTypeName else { return [] }
            if let (entry, _) = types.messages[field.typeName], entry.options.mapEntry {
                return entry.field.filter(\.hasTypeName).map(\.typeName)
            }
            return [field.typeName]
        }
    }

    private static func describe(_ message: Google_Protobuf_DescriptorProto, syntax: String, types: TypeIndex) -> String
    {
        var text = "message \(message.name) {\n"
        var oneofsDone: Set<Int32> = []
        for field in message.field {
            if field.hasOneofIndex && !field.proto3Optional {
                let index = field.oneofIndex
                guard oneofsDone.insert(index).inserted, message.oneofDecl.indices.contains(Int(index)) else {
                    continue
                }
                text += "  oneof \(message.oneofDecl[Int(index)].name) {\n"
                for member in message.field where member.hasOneofIndex && member.oneofIndex == index {
                    text += "    " + declaration(member, syntax: syntax, inOneof: true, types: types) + "\n"
                }
                text += "  }\n"
            } else {
                text += "  " + declaration(field, syntax: syntax, inOneof: false, types: types) + "\n"
            }
        }
        return text + "}\n"
    }

    private static func describe(_ enumeration: Google_Protobuf_EnumDescriptorProto) -> String {
        "enum \(enumeration.name) {\n" + enumeration.value.map { "  \($0.name) = \($0.number);\n" }.joined() + "}\n"
    }

    /// `repeated string tags = 3;`, `map<string, int32> counts = 5;`, `optional .pkg.Mood mood = 6;`.
    private static func declaration(
        _ field: Google_Protobuf_FieldDescriptorProto, syntax: String, inOneof: Bool, types: TypeIndex
    ) -> String {
        var label = ""
        if let (entry, _) = types.messages[field.typeName], entry.options.mapEntry, entry.field.count == 2 {
            let key = typeName(entry.field[0])
            let value = typeName(entry.field[1])
            return "map<\(key), \(value)> \(field.name) = \(field.number);"
        }
        switch field.label {
        case .repeated: label = "repeated "
        case .required: label = "required "
        case .optional where !inOneof && (field.proto3Optional || syntax == "proto2" || syntax.isEmpty):
            label = "optional "
        default: break
        }
        return "\(label)\(typeName(field)) \(field.name) = \(field.number);"
    }

    private static func typeName(_ field: Google_Protobuf_FieldDescriptorProto) -> String {
        switch field.type {
        case .double: "double"
        case .float: "float"
        case .int64: "int64"
        case .uint64: "uint64"
        case .int32: "int32"
        case .fixed64: "fixed64"
        case .fixed32: "fixed32"
        case .bool: "bool"
        case .string: "string"
        case .bytes: "bytes"
        case .uint32: "uint32"
        case .sfixed32: "sfixed32"
        case .sfixed64: "sfixed64"
        case .sint32: "sint32"
        case .sint64: "sint64"
        case .group: "group " + field.typeName
        case .enum, .message: field.typeName
        }
    }
}
