import SwiftProtobuf

/// `enum` definitions: values, value options, reserved numbers and names.
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
        while try inBlock("enum '\(enumType.name)'") {
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
}
