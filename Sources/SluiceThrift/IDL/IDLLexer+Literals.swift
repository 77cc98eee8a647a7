extension IDLLexer {
    /// `[+-]?` then a decimal or `0x` hex integer, or a double (`1.5`, `.5`, `1e-3`, `-2.5E+10`).
    mutating func lexNumber(line: Int, column: Int) throws(ThriftIDLError) -> IDLTokenKind {
        let start = offset
        var negative = false
        if let sign = peekByte, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            advance()
        }
        if peekByte == UInt8(ascii: "0"), let x = byte(at: 1), x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
            advance()
            advance()
            let digitsStart = offset
            while let byte = peekByte, byte.isHexDigit { advance() }
            try rejectTrailingNameCharacters(start: start, line: line, column: column)
            let digits = String(decoding: bytes[digitsStart..<offset], as: UTF8.self)
            guard !digits.isEmpty else {
                throw error("expected hexadecimal digits after '0x'", line: line, column: column)
            }
            guard let magnitude = UInt64(digits, radix: 16) else { throw outOfRange(start, line, column) }
            if negative {
                guard magnitude <= UInt64(Int64.max) + 1 else { throw outOfRange(start, line, column) }
                return .int(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
            }
            guard magnitude <= UInt64(Int64.max) else { throw outOfRange(start, line, column) }
            return .int(Int64(magnitude))
        }
        var isDouble = false
        while let byte = peekByte, byte.isDigit { advance() }
        if peekByte == UInt8(ascii: "."), byte(at: 1)?.isDigit == true {
            isDouble = true
            advance()
            while let byte = peekByte, byte.isDigit { advance() }
        }
        if let e = peekByte, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var ahead = 1
            if let sign = byte(at: 1), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { ahead = 2 }
            if byte(at: ahead)?.isDigit == true {
                isDouble = true
                for _ in 0..<ahead { advance() }
                while let byte = peekByte, byte.isDigit { advance() }
            }
        }
        try rejectTrailingNameCharacters(start: start, line: line, column: column)
        var text = String(decoding: bytes[start..<offset], as: UTF8.self)
        if text.hasPrefix("+") { text.removeFirst() }
        if isDouble {
            guard let value = Double(text), value.isFinite else {
                throw error("number '\(text)' is out of the double range", line: line, column: column)
            }
            return .double(value)
        }
        guard let value = Int64(text) else { throw outOfRange(start, line, column) }
        return .int(value)
    }

    /// `12abc` is neither a number nor a name; say so rather than splitting it into two tokens.
    private mutating func rejectTrailingNameCharacters(start: Int, line: Int, column: Int) throws(ThriftIDLError) {
        guard let byte = peekByte, byte.isIdentifierPart || byte == UInt8(ascii: ".") else { return }
        while let byte = peekByte, byte.isIdentifierPart || byte == UInt8(ascii: ".") { advance() }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        throw error("malformed number '\(text)'", line: line, column: column)
    }

    private func outOfRange(_ start: Int, _ line: Int, _ column: Int) -> ThriftIDLError {
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        return error("integer '\(text)' is out of the i64 range", line: line, column: column)
    }

    /// A `"..."` or `'...'` literal. Escapes: `\\ \" \' \n \r \t \b \f \/` and `\uXXXX` (with surrogate pairs).
    mutating func lexString(quote: UInt8, line: Int, column: Int) throws(ThriftIDLError) -> String {
        advance()
        var buffer: [UInt8] = []
        while true {
            guard let byte = peekByte else {
                throw error(
                    "unterminated string literal: expected \(quote == UInt8(ascii: "\"") ? "'\"'" : "\"'\"") to close it",
                    line: line, column: column)
            }
            if byte == quote {
                advance()
                break
            }
            if byte == UInt8(ascii: "\n") {
                throw error(
                    "unterminated string literal: expected \(quote == UInt8(ascii: "\"") ? "'\"'" : "\"'\"") before the end of the line",
                    line: line, column: column)
            }
            if byte != UInt8(ascii: "\\") {
                buffer.append(byte)
                advance()
                continue
            }
            let escapeLine = self.line
            let escapeColumn = self.column
            advance()
            guard let escaped = peekByte else { continue }
            advance()
            switch escaped {
            case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "/"): buffer.append(escaped)
            case UInt8(ascii: "n"): buffer.append(UInt8(ascii: "\n"))
            case UInt8(ascii: "r"): buffer.append(UInt8(ascii: "\r"))
            case UInt8(ascii: "t"): buffer.append(UInt8(ascii: "\t"))
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "u"):
                let scalar = try lexUnicodeEscape(line: escapeLine, column: escapeColumn)
                buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                throw error(
                    "unknown escape sequence '\\\(describeCharacter(at: offset - 1).trimmingQuotes)' in string literal",
                    line: escapeLine, column: escapeColumn)
            }
        }
        guard let text = String(validating: buffer, as: UTF8.self) else {
            throw error("string literal is not valid UTF-8", line: line, column: column)
        }
        return text
    }

    private mutating func hexQuad() -> UInt32? {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peekByte, byte.isHexDigit, let digit = UInt32(String(Unicode.Scalar(byte)), radix: 16)
            else { return nil }
            value = value << 4 | digit
            advance()
        }
        return value
    }

    private mutating func lexUnicodeEscape(line: Int, column: Int) throws(ThriftIDLError) -> Unicode.Scalar {
        guard let high = hexQuad() else {
            throw error("expected four hexadecimal digits after '\\u'", line: line, column: column)
        }
        if (0xD800..<0xDC00).contains(high) {
            guard peekByte == UInt8(ascii: "\\"), byte(at: 1) == UInt8(ascii: "u") else {
                throw error("unpaired surrogate '\\u\(String(high, radix: 16))' in string literal", line: line, column: column)
            }
            advance()
            advance()
            guard let low = hexQuad(), (0xDC00..<0xE000).contains(low),
                let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
            else {
                throw error("unpaired surrogate '\\u\(String(high, radix: 16))' in string literal", line: line, column: column)
            }
            return scalar
        }
        guard let scalar = Unicode.Scalar(high) else {
            throw error("unpaired surrogate '\\u\(String(high, radix: 16))' in string literal", line: line, column: column)
        }
        return scalar
    }
}

extension String {
    fileprivate var trimmingQuotes: Substring {
        guard count >= 2, first == "'", last == "'" else { return self[...] }
        return dropFirst().dropLast()
    }
}
