/// Splits UTF-8 `.proto` bytes into tokens, skipping whitespace and `//` and `/* */` comments.
///
/// Works on bytes: the grammar is ASCII and only strings and comments may hold other text. Columns count
/// Unicode scalars (continuation bytes do not advance them).
struct ProtoLexer {
    let bytes: [UInt8]
    let file: String
    var offset = 0
    var line = 1
    var column = 1

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
    }

    static func tokenize(_ bytes: [UInt8], file: String) throws(ProtoIDLError) -> [ProtoToken] {
        var lexer = ProtoLexer(bytes: bytes, file: file)
        var tokens: [ProtoToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    var peekByte: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    func byte(at ahead: Int) -> UInt8? { offset + ahead < bytes.count ? bytes[offset + ahead] : nil }

    mutating func advance() {
        guard offset < bytes.count else { return }
        let byte = bytes[offset]
        offset += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    func error(_ message: String, line: Int, column: Int) -> ProtoIDLError {
        ProtoIDLError(location: ProtoSourceLocation(file: file, line: line, column: column), message: message)
    }

    mutating func next() throws(ProtoIDLError) -> ProtoToken {
        try skipTrivia()
        let line = self.line
        let column = self.column
        guard let byte = peekByte else { return ProtoToken(kind: .end, line: line, column: column) }
        let kind: ProtoTokenKind
        if byte.isProtoIdentifierStart {
            let start = offset
            while let next = peekByte, next.isProtoIdentifierStart || next.isProtoDigit { advance() }
            kind = .identifier(String(decoding: bytes[start..<offset], as: UTF8.self))
        } else if byte.isProtoDigit || (byte == UInt8(ascii: ".") && self.byte(at: 1)?.isProtoDigit == true) {
            kind = try lexNumber(line: line, column: column)
        } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
            kind = .string(try lexString(quote: byte, line: line, column: column))
        } else if byte > 0x20 && byte < 0x7F {
            advance()
            kind = .symbol(byte)
        } else {
            throw error("unexpected character \(describeCharacter(at: offset))", line: line, column: column)
        }
        return ProtoToken(kind: kind, line: line, column: column)
    }

    private mutating func skipTrivia() throws(ProtoIDLError) {
        while let byte = peekByte {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0B, 0x0C:
                advance()
            case UInt8(ascii: "/") where self.byte(at: 1) == UInt8(ascii: "/"):
                while let current = peekByte, current != UInt8(ascii: "\n") { advance() }
            case UInt8(ascii: "/") where self.byte(at: 1) == UInt8(ascii: "*"):
                let line = self.line
                let column = self.column
                advance()
                advance()
                while peekByte != nil && !(peekByte == UInt8(ascii: "*") && self.byte(at: 1) == UInt8(ascii: "/")) {
                    advance()
                }
                guard peekByte != nil else {
                    throw error("unterminated comment: expected '*/' to close it", line: line, column: column)
                }
                advance()
                advance()
            default:
                return
            }
        }
    }

    func describeCharacter(at position: Int) -> String {
        guard position < bytes.count else { return "end of file" }
        let byte = bytes[position]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        var end = position + 1
        while end < bytes.count, end - position < 4, bytes[end] & 0xC0 == 0x80 { end += 1 }
        if byte >= 0x80, let text = String(validating: bytes[position..<end], as: UTF8.self) { return "'\(text)'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(hex.count == 1 ? "0" + hex : hex)"
    }
}

extension UInt8 {
    var isProtoDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    var isProtoHexDigit: Bool {
        isProtoDigit || (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "f"))
            || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "F"))
    }
    var isProtoIdentifierStart: Bool {
        (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z"))
            || self == UInt8(ascii: "_")
    }
}
