/// One lexical unit of `.proto` text, with the position of its first character.
struct ProtoToken: Sendable, Equatable {
    var kind: ProtoTokenKind
    var line: Int
    var column: Int
}

enum ProtoTokenKind: Sendable, Equatable {
    /// A single name; dotted names are several tokens, as in protoc's tokenizer.
    case identifier(String)
    /// Decimal, hex (`0x`) or octal (leading `0`) text, without sign.
    case integer(UInt64)
    case float(Double)
    /// The bytes after escapes are undone: protobuf strings may hold any bytes (`"\xFF"`).
    case string([UInt8])
    case symbol(UInt8)
    case end

    func isSymbol(_ character: Character) -> Bool {
        if case .symbol(let byte) = self, let ascii = character.asciiValue { return byte == ascii }
        return false
    }
}

extension ProtoTokenKind: CustomStringConvertible {
    /// How an error message names what it found: `'servce'`, `'}'`, `end of file`.
    var description: String {
        switch self {
        case .identifier(let name): "'\(name)'"
        case .integer(let value): "'\(value)'"
        case .float(let value): "'\(value)'"
        case .string(let bytes):
            bytes.count > 40
                ? "string \"\(String(decoding: bytes.prefix(40), as: UTF8.self))...\""
                : "string \"\(String(decoding: bytes, as: UTF8.self))\""
        case .symbol(let byte): "'\(Character(Unicode.Scalar(byte)))'"
        case .end: "end of file"
        }
    }
}
