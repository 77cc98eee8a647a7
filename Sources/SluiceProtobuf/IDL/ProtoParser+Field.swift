import SwiftProtobuf

/// Fields, `map<K, V>` fields (each becomes a nested `XxxEntry` message) and groups (a field plus a nested message).
extension ProtoParser {
    typealias FieldType = Google_Protobuf_FieldDescriptorProto.TypeEnum

    static let scalarTypes: [String: FieldType] = [
        "double": .double, "float": .float, "int64": .int64, "uint64": .uint64, "int32": .int32,
        "fixed64": .fixed64, "fixed32": .fixed32, "bool": .bool, "string": .string, "bytes": .bytes,
        "uint32": .uint32, "sfixed32": .sfixed32, "sfixed64": .sfixed64, "sint32": .sint32, "sint64": .sint64,
    ]

    /// One field declaration; `oneofIndex` inside a oneof, `extendee` inside an `extend` block.
    mutating func parseField(
        scope: String, fields: inout [Google_Protobuf_FieldDescriptorProto], nested: inout [Google_Protobuf_DescriptorProto],
        oneofIndex: Int32?, extendee: String?
    ) throws(ProtoIDLError) {
        var field = Google_Protobuf_FieldDescriptorProto()
        field.label = .optional
        let isMap = lookingAt("map") && peek(1).isSymbol("<")
        if let label = try parseLabel(isMap: isMap, inOneof: oneofIndex != nil) {
            field.label = label.label
            if label.proto3Optional { field.proto3Optional = true }
        }
        if let extendee { field.extendee = extendee }
        if let oneofIndex { field.oneofIndex = oneofIndex }

        var mapTypes: (key: Google_Protobuf_FieldDescriptorProto, value: Google_Protobuf_FieldDescriptorProto)?
        var typeToken = current
        var valuePosition = current
        var isGroup = false
        if isMap {
            advance()
            advance()
            let keyToken = current
            var key = Google_Protobuf_FieldDescriptorProto()
            try parseType(into: &key)
            try expect(",", "between the map's key and value types")
            valuePosition = current
            var value = Google_Protobuf_FieldDescriptorProto()
            try parseType(into: &value)
            try expect(">", "to close the map type")
            mapTypes = (key, value)
            field.label = .repeated
            // The map field's own type position is its key's: only a bad key type is reported there.
            typeToken = keyToken
        } else if lookingAt("group") && !peek(1).isSymbol("=") {
            guard syntax == .proto2 else {
                throw error(syntax == .proto3 ? "groups are not supported in proto3" : "groups are not supported in editions: use a message field with features.message_encoding = DELIMITED")
            }
            advance()
            isGroup = true
            field.type = .group
        } else {
            try parseType(into: &field)
        }

        let nameToken = current
        let name = try identifier("a field name")
        if isGroup {
            guard let first = name.utf8.first, first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z") else {
                throw error("a group's name must start with a capital letter", at: nameToken)
            }
            field.name = name.lowercased()
            field.typeName = name
        } else {
            field.name = name
        }
        let key = ProtoElementKey.field(Self.join(scope, field.name))
        result.locations[key] = location(of: nameToken)
        if field.hasTypeName || mapTypes != nil { result.locations[ProtoElementKey.part(key, "type")] = location(of: typeToken) }

        try expect("=", "after field name '\(name)'")
        let numberToken = current
        let number = try integer("a field number")
        guard number <= UInt64(Int32.max) else { throw error("field number out of range: \(number)", at: numberToken) }
        field.number = Int32(number)
        result.locations[ProtoElementKey.part(key, "number")] = location(of: numberToken)

        if lookingAtSymbol("[") { try parseFieldOptions(&field, key: key, isExtension: extendee != nil) }

        if let mapTypes {
            let entry = mapEntry(for: field.name, key: mapTypes.key, value: mapTypes.value)
            field.typeName = entry.name
            nested.append(entry)
            let entryKey = Self.join(scope, entry.name)
            result.locations[ProtoElementKey.message(entryKey)] = location(of: nameToken)
            for part in ["key", "value"] {
                let fieldKey = ProtoElementKey.field(Self.join(entryKey, part))
                result.locations[fieldKey] = location(of: nameToken)
                result.locations[ProtoElementKey.part(fieldKey, "type")] = location(of: part == "key" ? typeToken : valuePosition)
            }
        }
        if isGroup {
            var group = Google_Protobuf_DescriptorProto()
            group.name = name
            let groupName = Self.join(scope, name)
            result.locations[ProtoElementKey.message(groupName)] = location(of: nameToken)
            let groupIndex = nested.count
            nested.append(group)
            try parseMessageBody(&nested[groupIndex], fullName: groupName)
        } else {
            try expect(";", "after field '\(name)'")
        }
        fields.append(field)
    }

    private mutating func parseLabel(isMap: Bool, inOneof: Bool) throws(ProtoIDLError)
        -> (label: Google_Protobuf_FieldDescriptorProto.Label, proto3Optional: Bool)?
    {
        let labels: [String: Google_Protobuf_FieldDescriptorProto.Label] = [
            "optional": .optional, "required": .required, "repeated": .repeated,
        ]
        guard case .identifier(let word) = current.kind, let label = labels[word],
            !peek(1).isSymbol("."), !peek(1).isSymbol("=")
        else {
            if syntax == .proto2 && !isMap && !inOneof {
                throw error("expected \"required\", \"optional\", or \"repeated\" but found \(current.kind)")
            }
            return nil
        }
        if isMap { throw error("field labels (required/optional/repeated) are not allowed on map fields") }
        switch (syntax, label) {
        case (.proto3, .required): throw error("required fields are not allowed in proto3")
        case (.editions, .required), (.editions, .optional):
            throw error("label '\(word)' is not supported in editions: use features.field_presence")
        default: break
        }
        advance()
        if lookingAt("map") && peek(1).isSymbol("<") {
            throw error("field labels (required/optional/repeated) are not allowed on map fields")
        }
        return (label, syntax == .proto3 && label == .optional)
    }

    /// A scalar keyword sets `type`; any other (dotted) name goes to `type_name` for the linker.
    mutating func parseType(into field: inout Google_Protobuf_FieldDescriptorProto) throws(ProtoIDLError) {
        if case .identifier(let word) = current.kind, let scalar = Self.scalarTypes[word], !peek(1).isSymbol(".") {
            advance()
            field.type = scalar
            return
        }
        if lookingAt("map") && peek(1).isSymbol("<") { throw error("map fields cannot be map keys or values") }
        field.typeName = try dottedName("a type name")
    }

    /// `Entry` message protoc synthesises for `map<K, V> field_name`: `FieldNameEntry { K key = 1; V value = 2; }`.
    private func mapEntry(
        for fieldName: String, key: Google_Protobuf_FieldDescriptorProto, value: Google_Protobuf_FieldDescriptorProto
    ) -> Google_Protobuf_DescriptorProto {
        var entry = Google_Protobuf_DescriptorProto()
        entry.name = ProtoJSONName.mapEntry(of: fieldName)
        for (number, var part) in [(Int32(1), key), (2, value)] {
            part.name = number == 1 ? "key" : "value"
            part.number = number
            part.label = .optional
            entry.field.append(part)
        }
        entry.options.mapEntry = true
        return entry
    }

    private mutating func parseFieldOptions(
        _ field: inout Google_Protobuf_FieldDescriptorProto, key: String, isExtension: Bool
    ) throws(ProtoIDLError) {
        try expect("[", "to open field options")
        repeat {
            let token = current
            if lookingAt("default") && peek(1).isSymbol("=") {
                if field.hasDefaultValue { throw error("default value already set for field '\(field.name)'") }
                if syntax == .proto3 { throw error("explicit default values are not allowed in proto3") }
                advance()
                advance()
                field.defaultValue = try parseDefaultValue(for: field)
                result.locations[ProtoElementKey.part(key, "default")] = location(of: token)
            } else if lookingAt("json_name") && peek(1).isSymbol("=") {
                if isExtension { throw error("option json_name is not allowed on extension fields") }
                if field.hasJsonName { throw error("option json_name already set for field '\(field.name)'") }
                advance()
                advance()
                field.jsonName = try text("a JSON name")
            } else {
                try parseOptionAssignment(key: key)
            }
        } while tryConsume(",")
        try expect("]", "to close field options")
    }
}
