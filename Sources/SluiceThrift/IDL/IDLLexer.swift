/// Splits UTF-8 IDL bytes into tokens, skipping whitespace and the three comment styles (`//`, `#`, `/* */`).
///
/// Works on bytes, not `Character`s: the grammar is ASCII and only string literals and comments may hold
/// other text. Columns count Unicode scalars (continuation bytes do not advance them).
struct IDLLexer {
    let bytes: [UInt8]
    let file: String
    var offset = 0
    var line = 1
    var column = 1

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
        // A UTF-8 byte order mark is not part of the document.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
    }

    static func tokenize(_ bytes: [UInt8], file: String) throws(ThriftIDLError) -> [IDLToken] {
        var lexer = IDLLexer(bytes: bytes, file: file)
        var tokens: [IDLToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    var peekByte: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    func byte(at ahead: Int) -> UInt8? {
        offset + ahead < bytes.count ? bytes[offset + ahead] : nil
    }

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

    func error(_ message: String, line: Int, column: Int) -> ThriftIDLError {
        ThriftIDLError(location: SourceLocation(file: file, line: line, column: column), message: message)
    }

    mutating func next() throws(ThriftIDLError) -> IDLToken {
        try skipTrivia()
        let line = self.line
        let column = self.column
        guard let byte = peekByte else { return IDLToken(kind: .end, line: line, column: column) }
        let kind: IDLTokenKind
        if byte.isIdentifierStart {
            kind = lexWord()
        } else if byte.isDigit || startsSignedOrFractionalNumber(byte) {
            kind = try lexNumber(line: line, column: column)
        } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
            kind = .string(try lexString(quote: byte, line: line, column: column))
        } else if let symbol = IDLSymbol(byte: byte) {
            advance()
            kind = .symbol(symbol)
        } else {
            throw error("unexpected character \(describeCharacter(at: offset))", line: line, column: column)
        }
        return IDLToken(kind: kind, line: line, column: column)
    }

    private func startsSignedOrFractionalNumber(_ first: UInt8) -> Bool {
        if first == UInt8(ascii: ".") { return byte(at: 1)?.isDigit == true }
        guard first == UInt8(ascii: "-") || first == UInt8(ascii: "+"), let next = byte(at: 1) else { return false }
        return next.isDigit || (next == UInt8(ascii: ".") && byte(at: 2)?.isDigit == true)
    }

    private mutating func skipTrivia() throws(ThriftIDLError) {
        while let byte = peekByte {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0B, 0x0C:
                advance()
            case UInt8(ascii: "#"):
                skipLine()
            case UInt8(ascii: "/") where self.byte(at: 1) == UInt8(ascii: "/"):
                skipLine()
            case UInt8(ascii: "/") where self.byte(at: 1) == UInt8(ascii: "*"):
                let line = self.line
                let column = self.column
                advance()
                advance()
                var closed = false
                while let current = peekByte {
                    if current == UInt8(ascii: "*") && self.byte(at: 1) == UInt8(ascii: "/") {
                        advance()
                        advance()
                        closed = true
                        break
                    }
                    advance()
                }
                if !closed { throw error("unterminated comment: expected '*/' to close it", line: line, column: column) }
            default:
                return
            }
        }
    }

    private mutating func skipLine() {
        while let byte = peekByte, byte != UInt8(ascii: "\n") { advance() }
    }

    /// Identifiers may contain dots between name characters (`inc.Type`), as in Apache Thrift's lexer.
    private mutating func lexWord() -> IDLTokenKind {
        let start = offset
        advance()
        while let byte = peekByte {
            if byte.isIdentifierPart {
                advance()
            } else if byte == UInt8(ascii: "."), self.byte(at: 1)?.isIdentifierPart == true {
                advance()
            } else {
                break
            }
        }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        if let keyword = IDLKeyword.byText[text] { return .keyword(keyword) }
        return .identifier(text)
    }

    func describeCharacter(at position: Int) -> String {
        guard position < bytes.count else { return "end of file" }
        let byte = bytes[position]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        var end = position + 1
        while end < bytes.count, end - position < 4, bytes[end] & 0xC0 == 0x80 { end += 1 }
        if byte >= 0x80, let text = String(validating: bytes[position..<end], as: UTF8.self) {
            return "'\(text)'"
        }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(hex.count == 1 ? "0" + hex : hex)"
    }
}

extension UInt8 {
    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    var isHexDigit: Bool {
        isDigit || (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "f"))
            || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "F"))
    }
    var isLetter: Bool {
        (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z"))
    }
    var isIdentifierStart: Bool { isLetter || self == UInt8(ascii: "_") }
    var isIdentifierPart: Bool { isIdentifierStart || isDigit }
}
