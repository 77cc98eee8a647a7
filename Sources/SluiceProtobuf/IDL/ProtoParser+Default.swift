import Foundation
import SwiftProtobuf

/// `[default = ...]`, stored as protoc's descriptor sets spell it (`DefaultValueAsString`): integers in
/// decimal, floats as `%g` shortest round trip, bytes C-escaped, strings and enum names as they are.
extension ProtoParser {
    mutating func parseDefaultValue(for field: Google_Protobuf_FieldDescriptorProto) throws(ProtoIDLError) -> String {
        let token = current
        if field.hasTypeName && !field.hasType {
            // An enum (a message is rejected once the linker knows which it is).
            return try identifier("an enum value name as the default")
        }
        switch field.type {
        case .bool:
            let word = try identifier("true or false")
            guard word == "true" || word == "false" else { throw error("expected true or false but found '\(word)'", at: token) }
            return word
        case .string:
            return try text("a string default")
        case .bytes:
            return Self.cEscape(try string("a bytes default"))
        case .float, .double:
            let negative = tryConsume("-")
            let value: Double
            switch current.kind {
            case .integer(let integer): value = Double(integer)
            case .float(let float): value = float
            case .identifier("inf"): value = .infinity
            case .identifier("nan"): value = .nan
            default: throw error("expected a number as the default but found \(current.kind)")
            }
            advance()
            let signed = negative ? -value : value
            return field.type == .float ? Self.simpleFtoa(Float(signed)) : Self.simpleDtoa(signed)
        case .group, .message:
            throw error("messages can't have default values", at: token)
        default:
            let negative = tryConsume("-")
            let magnitude = try integer("an integer default")
            let (minimum, maximum) = Self.integerRange(field.type)
            if negative {
                guard minimum < 0, magnitude <= UInt64(-(minimum + 1)) + 1 else {
                    throw error("default value out of range for field '\(field.name)'", at: token)
                }
                return "-\(magnitude)"
            }
            guard magnitude <= maximum else { throw error("default value out of range for field '\(field.name)'", at: token) }
            return "\(magnitude)"
        }
    }

    /// The range of an integer field type, as (minimum, maximum).
    static func integerRange(_ type: Google_Protobuf_FieldDescriptorProto.TypeEnum) -> (Int64, UInt64) {
        switch type {
        case .int32, .sint32, .sfixed32, .enum: (Int64(Int32.min), UInt64(Int32.max))
        case .uint32, .fixed32: (0, UInt64(UInt32.max))
        case .uint64, .fixed64: (0, UInt64.max)
        default: (Int64.min, UInt64(Int64.max))
        }
    }

    /// protobuf's `SimpleDtoa`: `%.15g`, or `%.17g` when that does not read back as the same double.
    static func simpleDtoa(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let short = String(format: "%.15g", value)
        return Double(short) == value ? short : String(format: "%.17g", value)
    }

    /// protobuf's `SimpleFtoa`: `%.6g`, or `%.9g` when that does not read back as the same float.
    static func simpleFtoa(_ value: Float) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let short = String(format: "%.6g", Double(value))
        return Float(short) == value ? short : String(format: "%.9g", Double(value))
    }

    /// protobuf's `CEscape`: `\n \r \t \" \' \\` and other bytes outside printable ASCII as three octal digits.
    static func cEscape(_ bytes: [UInt8]) -> String {
        var text = ""
        for byte in bytes {
            switch byte {
            case 0x0A: text += "\\n"
            case 0x0D: text += "\\r"
            case 0x09: text += "\\t"
            case 0x22: text += "\\\""
            case 0x27: text += "\\'"
            case 0x5C: text += "\\\\"
            case 0x20..<0x7F: text.append(Character(Unicode.Scalar(byte)))
            default:
                let octal = String(byte, radix: 8)
                text += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
            }
        }
        return text
    }
}
