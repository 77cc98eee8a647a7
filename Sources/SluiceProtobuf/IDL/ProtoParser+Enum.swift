import SwiftProtobuf

/// `enum` and `service` definitions.
extension ProtoParser {
    mutating func parseEnum(scope: String) throws(ProtoIDLError) -> Google_Protobuf_EnumDescriptorProto {
        advance()
        let nameToken = current
        var enumType = Google_Protobuf_EnumDescriptorProto()
        enumType.name = try identifier("an enum name")
        let fullName = Self.join(scope, enumType.name)
        let key = ProtoElementKey.enumType(fullName)
        result.locations[key] = location(of: nameToken)
        try expect("{", "to open enum '\(enumType.name)'")
        while !tryConsume("}") {
            if current.kind == .end { throw error("expected '}' to close enum '\(enumType.name)' but found end of file") }
            if tryConsume(";") { continue }
            if lookingAt("option") {
                advance()
                try parseOptionStatement(key: key)
            } else if lookingAt("reserved") {
                advance()
                var isNumber = lookingAtSymbol("-")
                if case .integer = current.kind { isNumber = true }
                if !isNumber {
                    enumType.reservedName += try parseReservedNames()
                } else {
                    repeat {
                        let (start, end) = try parseRange(max: Int32.max, what: "an enum number", allowNegative: true)
                        var range = Google_Protobuf_EnumDescriptorProto.EnumReservedRange()
                        range.start = start
                        range.end = end
                        enumType.reservedRange.append(range)
                    } while tryConsume(",")
                }
                try expect(";", "after the reserved list")
            } else {
                enumType.value.append(try parseEnumValue(enumFullName: fullName))
            }
        }
        return enumType
    }

    private mutating func parseEnumValue(enumFullName: String) throws(ProtoIDLError) -> Google_Protobuf_EnumValueDescriptorProto {
        let nameToken = current
        var value = Google_Protobuf_EnumValueDescriptorProto()
        value.name = try identifier("an enum value name")
        let key = ProtoElementKey.enumValue(enum: enumFullName, value.name)
        result.locations[key] = location(of: nameToken)
        try expect("=", "after enum value '\(value.name)'")
        let numberToken = current
        let negative = tryConsume("-")
        let magnitude = try integer("an enum value number")
        let number = negative ? -Int64(clamping: magnitude) : Int64(clamping: magnitude)
        guard let number32 = Int32(exactly: number) else {
            throw error("enum value '\(value.name)' out of range: \(negative ? "-" : "")\(magnitude)", at: numberToken)
        }
        value.number = number32
        if lookingAtSymbol("[") { try parseBracketOptions(key: key) }
        try expect(";", "after enum value '\(value.name)'")
        return value
    }

    mutating func parseService() throws(ProtoIDLError) -> Google_Protobuf_ServiceDescriptorProto {
        advance()
        let nameToken = current
        var service = Google_Protobuf_ServiceDescriptorProto()
        service.name = try identifier("a service name")
        let fullName = Self.join(result.descriptor.package, service.name)
        let key = ProtoElementKey.service(fullName)
        result.locations[key] = location(of: nameToken)
        try expect("{", "to open service '\(service.name)'")
        while !tryConsume("}") {
            if current.kind == .end { throw error("expected '}' to close service '\(service.name)' but found end of file") }
            if tryConsume(";") { continue }
            if lookingAt("option") {
                advance()
                try parseOptionStatement(key: key)
            } else if lookingAt("rpc") {
                service.method.append(try parseMethod(serviceFullName: fullName))
            } else {
                throw error("expected 'rpc' or 'option' in service '\(service.name)' but found \(current.kind)")
            }
        }
        return service
    }

    private mutating func parseMethod(serviceFullName: String) throws(ProtoIDLError) -> Google_Protobuf_MethodDescriptorProto {
        advance()
        let nameToken = current
        var method = Google_Protobuf_MethodDescriptorProto()
        method.name = try identifier("a method name")
        let key = ProtoElementKey.method(Self.join(serviceFullName, method.name))
        result.locations[key] = location(of: nameToken)
        try expect("(", "before the request type of '\(method.name)'")
        if lookingAt("stream") {
            advance()
            method.clientStreaming = true
        }
        result.locations[ProtoElementKey.part(key, "input")] = location
        method.inputType = try dottedName("a request message type")
        try expect(")", "after the request type of '\(method.name)'")
        try expectWord("returns", "after the request type of '\(method.name)'")
        try expect("(", "before the response type of '\(method.name)'")
        if lookingAt("stream") {
            advance()
            method.serverStreaming = true
        }
        result.locations[ProtoElementKey.part(key, "output")] = location
        method.outputType = try dottedName("a response message type")
        try expect(")", "after the response type of '\(method.name)'")
        if tryConsume("{") {
            // protoc gives a method with a body options, even an empty one.
            result.options[key, default: []].append(contentsOf: [])
            while !tryConsume("}") {
                if current.kind == .end { throw error("expected '}' to close method '\(method.name)' but found end of file") }
                if tryConsume(";") { continue }
                try expectWord("option", "in the body of method '\(method.name)'")
                try parseOptionStatement(key: key)
            }
            _ = tryConsume(";")
        } else {
            try expect(";", "after method '\(method.name)'")
        }
        return method
    }
}
