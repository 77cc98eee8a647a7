/// Numbers and strings, with protoc's escapes (`\n`, octal, `\x`, `\u`, `\U`).
extension ProtoLexer {
    mutating func lexNumber(line: Int, column: Int) throws(ProtoIDLError) -> ProtoTokenKind {
        let start = offset
        if peekByte == UInt8(ascii: "0"), let x = byte(at: 1), x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
            advance()
            advance()
            let digitsStart = offset
            while let byte = peekByte, byte.isProtoHexDigit { advance() }
            let digits = String(decoding: bytes[digitsStart..<offset], as: UTF8.self)
            guard let value = UInt64(digits, radix: 16) else {
                throw error(digits.isEmpty ? "expected hex digits after '0x'" : "integer out of range", line: line, column: column)
            }
            try rejectTrailingLetter(line: line, column: column)
            return .integer(value)
        }
        var isFloat = false
        while let byte = peekByte, byte.isProtoDigit { advance() }
        if peekByte == UInt8(ascii: ".") {
            isFloat = true
            advance()
            while let byte = peekByte, byte.isProtoDigit { advance() }
        }
        if let e = peekByte, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            isFloat = true
            advance()
            if let sign = peekByte, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { advance() }
            guard peekByte?.isProtoDigit == true else { throw error("expected digits in exponent", line: line, column: column) }
            while let byte = peekByte, byte.isProtoDigit { advance() }
        }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        if isFloat {
            // protoc's tokenizer accepts a trailing 'f' on floats.
            if let f = peekByte, f == UInt8(ascii: "f") || f == UInt8(ascii: "F") { advance() }
            try rejectTrailingLetter(line: line, column: column)
            guard let value = Double(text) else { throw error("invalid number '\(text)'", line: line, column: column) }
            return .float(value)
        }
        try rejectTrailingLetter(line: line, column: column)
        if text.count > 1 && text.hasPrefix("0") {
            guard let value = UInt64(text.dropFirst(), radix: 8) else {
                throw error("invalid octal number '\(text)'", line: line, column: column)
            }
            return .integer(value)
        }
        guard let value = UInt64(text) else { throw error("integer out of range: \(text)", line: line, column: column) }
        return .integer(value)
    }

    private func rejectTrailingLetter(line: Int, column: Int) throws(ProtoIDLError) {
        if let byte = peekByte, byte.isProtoIdentifierStart || byte.isProtoDigit {
            throw error("need space between number and identifier", line: line, column: column)
        }
    }

    mutating func lexString(quote: UInt8, line: Int, column: Int) throws(ProtoIDLError) -> [UInt8] {
        advance()
        var value: [UInt8] = []
        while true {
            guard let byte = peekByte, byte != UInt8(ascii: "\n") else {
                throw error("unterminated string: expected \(Character(Unicode.Scalar(quote))) to close it", line: line, column: column)
            }
            if byte == quote {
                advance()
                return value
            }
            if byte != UInt8(ascii: "\\") {
                value.append(byte)
                advance()
                continue
            }
            let escapeLine = self.line
            let escapeColumn = self.column
            advance()
            try lexEscape(into: &value, line: escapeLine, column: escapeColumn)
        }
    }

    private mutating func lexEscape(into value: inout [UInt8], line: Int, column: Int) throws(ProtoIDLError) {
        guard let byte = peekByte else { throw error("unterminated string", line: line, column: column) }
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "a"): 0x07, UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A,
            UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09, UInt8(ascii: "v"): 0x0B, UInt8(ascii: "\\"): 0x5C,
            UInt8(ascii: "'"): 0x27, UInt8(ascii: "\""): 0x22, UInt8(ascii: "?"): 0x3F,
        ]
        if let mapped = simple[byte] {
            advance()
            value.append(mapped)
        } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "7") {
            var code = 0
            var count = 0
            while count < 3, let digit = peekByte, digit >= UInt8(ascii: "0") && digit <= UInt8(ascii: "7") {
                code = code * 8 + Int(digit - UInt8(ascii: "0"))
                count += 1
                advance()
            }
            value.append(UInt8(truncatingIfNeeded: code))
        } else if byte == UInt8(ascii: "x") || byte == UInt8(ascii: "X") {
            advance()
            let code = try hexDigits(max: 2, min: 1, line: line, column: column)
            value.append(UInt8(truncatingIfNeeded: code))
        } else if byte == UInt8(ascii: "u") || byte == UInt8(ascii: "U") {
            advance()
            let count = byte == UInt8(ascii: "u") ? 4 : 8
            let code = try hexDigits(max: count, min: count, line: line, column: column)
            guard let scalar = Unicode.Scalar(UInt32(truncatingIfNeeded: code)) else {
                throw error("invalid Unicode escape", line: line, column: column)
            }
            value.append(contentsOf: Array(String(scalar).utf8))
        } else {
            throw error("invalid escape sequence in string literal", line: line, column: column)
        }
    }

    private mutating func hexDigits(max: Int, min: Int, line: Int, column: Int) throws(ProtoIDLError) -> UInt64 {
        var code: UInt64 = 0
        var count = 0
        while count < max, let digit = peekByte, digit.isProtoHexDigit {
            code = code * 16 + UInt64(Int(String(Character(Unicode.Scalar(digit))), radix: 16) ?? 0)
            count += 1
            advance()
        }
        guard count >= min else { throw error("expected hex digits in escape sequence", line: line, column: column) }
        return code
    }
}
