import SwiftProtobuf

/// `message` bodies: nested types, `oneof`, `extensions`, `reserved`, `extend`; fields are in `+Field`.
extension ProtoParser {
    /// Field numbers above this are invalid; `max` in ranges means it.
    static let maximumFieldNumber: Int32 = 536_870_911

    static func join(_ scope: String, _ name: String) -> String { scope.isEmpty ? name : scope + "." + name }

    mutating func parseMessage(scope: String) throws(ProtoIDLError) -> Google_Protobuf_DescriptorProto {
        advance()
        let nameToken = current
        var message = Google_Protobuf_DescriptorProto()
        message.name = try identifier("a message name")
        let fullName = Self.join(scope, message.name)
        result.locations[ProtoElementKey.message(fullName)] = location(of: nameToken)
        try parseMessageBody(&message, fullName: fullName)
        return message
    }

    /// From `{` to `}`; also the body of a group.
    mutating func parseMessageBody(_ message: inout Google_Protobuf_DescriptorProto, fullName: String) throws(ProtoIDLError) {
        try enter()
        defer { leave() }
        try expect("{", "to open message '\(message.name)'")
        while try inBlock("message '\(message.name)'") {
            switch current.kind {
            case .identifier("message"):
                message.nestedType.append(try parseMessage(scope: fullName))
            case .identifier("enum"):
                message.enumType.append(try parseEnum(scope: fullName))
            case .identifier("extend"):
                var extensions = message.extension
                var nested = message.nestedType
                try parseExtend(scope: fullName, extensions: &extensions, messages: &nested)
                message.extension = extensions
                message.nestedType = nested
            case .identifier("extensions"):
                try parseExtensionRanges(&message, fullName: fullName)
            case .identifier("reserved"):
                try parseReserved(message: &message)
            case .identifier("option"):
                advance()
                try parseOptionStatement(key: ProtoElementKey.message(fullName))
            case .identifier("oneof"):
                try parseOneof(&message, fullName: fullName)
            default:
                var fields = message.field
                var nested = message.nestedType
                try parseField(scope: fullName, fields: &fields, nested: &nested, oneofIndex: nil, extendee: nil)
                message.field = fields
                message.nestedType = nested
            }
        }
        addSyntheticOneofs(&message)
    }

    /// protoc gives each proto3 `optional` field a oneof of its own, after the declared oneofs: the field's
    /// name with a `_` in front unless it starts with one, then `X`s prepended until no field or oneof has it.
    private func addSyntheticOneofs(_ message: inout Google_Protobuf_DescriptorProto) {
        var taken = Set(message.field.map(\.name) + message.oneofDecl.map(\.name))
        for index in message.field.indices where message.field[index].proto3Optional {
            var name = message.field[index].name
            if !name.hasPrefix("_") { name = "_" + name }
            while taken.contains(name) { name = "X" + name }
            taken.insert(name)
            var oneof = Google_Protobuf_OneofDescriptorProto()
            oneof.name = name
            message.field[index].oneofIndex = Int32(message.oneofDecl.count)
            message.oneofDecl.append(oneof)
        }
    }

    private mutating func parseOneof(_ message: inout Google_Protobuf_DescriptorProto, fullName: String) throws(ProtoIDLError) {
        advance()
        let nameToken = current
        var oneof = Google_Protobuf_OneofDescriptorProto()
        oneof.name = try identifier("a oneof name")
        let oneofIndex = Int32(message.oneofDecl.count)
        let key = ProtoElementKey.oneof(Self.join(fullName, oneof.name))
        result.locations[key] = location(of: nameToken)
        message.oneofDecl.append(oneof)
        try expect("{", "to open oneof '\(oneof.name)'")
        var fields = message.field
        var nested = message.nestedType
        while try inBlock("oneof '\(oneof.name)'") {
            if lookingAt("option") {
                advance()
                try parseOptionStatement(key: key)
                continue
            }
            if lookingAt("required") || lookingAt("optional") || lookingAt("repeated") {
                throw error("fields in oneofs must not have labels (required / optional / repeated)")
            }
            try parseField(scope: fullName, fields: &fields, nested: &nested, oneofIndex: oneofIndex, extendee: nil)
        }
        message.field = fields
        message.nestedType = nested
    }

    /// `extend Foo { ... }`: fields go to `extensions` with their extendee as written; groups to `messages`.
    mutating func parseExtend(
        scope: String, extensions: inout [Google_Protobuf_FieldDescriptorProto],
        messages: inout [Google_Protobuf_DescriptorProto]
    ) throws(ProtoIDLError) {
        advance()
        let extendeeToken = current
        let extendee = try dottedName("a message name to extend")
        try expect("{", "to open the extend block")
        let first = extensions.count
        while try inBlock("the extend block") {
            try parseField(scope: scope, fields: &extensions, nested: &messages, oneofIndex: nil, extendee: extendee)
        }
        for index in first..<extensions.count {
            let key = ProtoElementKey.field(Self.join(scope, extensions[index].name))
            result.locations[ProtoElementKey.part(key, "extendee")] = location(of: extendeeToken)
        }
    }

    private mutating func parseExtensionRanges(_ message: inout Google_Protobuf_DescriptorProto, fullName: String) throws(ProtoIDLError) {
        advance()
        let first = message.extensionRange.count
        repeat {
            let token = current
            let (start, end) = try parseRange(max: Self.maximumFieldNumber, what: "an extension number")
            var range = Google_Protobuf_DescriptorProto.ExtensionRange()
            range.start = start
            range.end = end + 1
            result.locations[ProtoElementKey.extensionRange(message: fullName, index: message.extensionRange.count)] =
                location(of: token)
            message.extensionRange.append(range)
        } while tryConsume(",")
        if lookingAtSymbol("[") {
            let key = ProtoElementKey.extensionRange(message: fullName, index: first)
            try parseBracketOptions(key: key)
            // One `[...]` applies to every range of the statement.
            for index in (first + 1)..<max(first + 1, message.extensionRange.count) {
                result.options[ProtoElementKey.extensionRange(message: fullName, index: index)] = result.options[key]
            }
        }
        try expect(";", "after the extension ranges")
    }

    /// `reserved 2, 15, 9 to 11;` or `reserved "foo", "bar";` (identifiers in editions).
    private mutating func parseReserved(message: inout Google_Protobuf_DescriptorProto) throws(ProtoIDLError) {
        advance()
        if case .integer = current.kind {
            repeat {
                let (start, end) = try parseRange(max: Self.maximumFieldNumber, what: "a field number")
                var range = Google_Protobuf_DescriptorProto.ReservedRange()
                range.start = start
                range.end = end + 1
                message.reservedRange.append(range)
            } while tryConsume(",")
        } else {
            message.reservedName += try parseReservedNames()
        }
        try expect(";", "after the reserved list")
    }

    mutating func parseReservedNames() throws(ProtoIDLError) -> [String] {
        var names: [String] = []
        repeat {
            if syntax == .editions {
                names.append(try identifier("a reserved name"))
            } else {
                let token = current
                if case .identifier = token.kind {
                    throw error("reserved names must be string literals before editions (write \"\(token.kind)\")")
                }
                names.append(try text("a reserved name or number"))
            }
        } while tryConsume(",")
        return names
    }

    /// `n`, `n to m` or `n to max`, inclusive; negative numbers only where `allowNegative` (enums).
    mutating func parseRange(max: Int32, what: String, allowNegative: Bool = false) throws(ProtoIDLError) -> (Int32, Int32) {
        let start = try rangeBound(what: what, allowNegative: allowNegative)
        guard tryConsumeWord("to") else { return (start, start) }
        if tryConsumeWord("max") { return (start, max) }
        return (start, try rangeBound(what: what, allowNegative: allowNegative))
    }

    private mutating func rangeBound(what: String, allowNegative: Bool) throws(ProtoIDLError) -> Int32 {
        let token = current
        let negative = allowNegative && tryConsume("-")
        let magnitude = try integer(what)
        let value = negative ? -Int64(clamping: magnitude) : Int64(clamping: magnitude)
        guard let number = Int32(exactly: value) else { throw error("\(what) out of range: \(negative ? "-" : "")\(magnitude)", at: token) }
        return number
    }
}
