extension ProtobufDefault {
    /// Parses `default_value` as descriptors spell it: decimal numbers, `inf`/`-inf`/`nan`, `true`/`false`,
    /// strings as they are, bytes C-escaped, enums by value name. nil when the text does not fit the type.
    init?(text: String, type: ProtobufFieldType, enums: [ProtobufEnum]) {
        switch type {
        case .int32, .sint32, .sfixed32:
            guard let value = Int32(text) else { return nil }
            self = .int(Int64(value))
        case .int64, .sint64, .sfixed64:
            guard let value = Int64(text) else { return nil }
            self = .int(value)
        case .uint32, .fixed32:
            guard let value = UInt32(text) else { return nil }
            self = .uint(UInt64(value))
        case .uint64, .fixed64:
            guard let value = UInt64(text) else { return nil }
            self = .uint(value)
        case .double, .float:
            switch text {
            case "inf": self = .double(.infinity)
            case "-inf": self = .double(-.infinity)
            case "nan": self = .double(.nan)
            default:
                guard let value = Double(text) else { return nil }
                self = .double(value)
            }
        case .bool:
            guard let value = Bool(text) else { return nil }
            self = .bool(value)
        case .string:
            self = .string(text)
        case .bytes:
            guard let bytes = Self.unescapeC(text) else { return nil }
            self = .bytes(bytes)
        case .enumeration(let id):
            guard let value = enums[id.index].values.first(where: { $0.name == text }) else { return nil }
            self = .enumValue(value.number)
        case .message, .group:
            return nil
        }
    }

    /// protoc's C escaping of bytes defaults: `\n`, `\\`, `\"`, `\'`, octal `\NNN` and hex `\xHH`.
    static func unescapeC(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < input.count {
            let byte = input[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                continue
            }
            guard index < input.count else { return nil }
            let escape = input[index]
            index += 1
            switch escape {
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "a"): output.append(0x07)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "v"): output.append(0x0B)
            case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "?"): output.append(escape)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = UInt32(escape - UInt8(ascii: "0"))
                var digits = 1
                while digits < 3, index < input.count, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(input[index]) {
                    value = value * 8 + UInt32(input[index] - UInt8(ascii: "0"))
                    index += 1
                    digits += 1
                }
                guard value <= 0xFF else { return nil }
                output.append(UInt8(value))
            case UInt8(ascii: "x"):
                var value: UInt32 = 0
                var digits = 0
                while digits < 2, index < input.count, let digit = hexDigit(input[index]) {
                    value = value * 16 + UInt32(digit)
                    index += 1
                    digits += 1
                }
                guard digits > 0 else { return nil }
                output.append(UInt8(value))
            default:
                return nil
            }
        }
        return output
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
