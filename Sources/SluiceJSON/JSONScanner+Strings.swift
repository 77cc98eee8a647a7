extension JSONScanner {
    /// Reads a string, validating UTF-8 (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF),
    /// escapes, and surrogate pairs; unescaped control characters are rejected (RFC 8259 §7).
    public mutating func readString() throws(JSONError) -> JSONStringToken {
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw unexpectedCharacter("a string") }
        let start = offset + 1
        var index = start
        var decodedCount = 0
        var hasEscapes = false
        let end = bytes.count
        guard let base = bytes.baseAddress else {
            throw JSONError(.unexpectedEnd, at: index, "unterminated string starting at byte \(start - 1)")
        }
        while true {
            // Plain bytes decode to themselves: skip them a word at a time.
            let plainEnd = JSONByteScan.firstSpecial(base, from: index, to: end)
            decodedCount += plainEnd - index
            index = plainEnd
            guard index < end else {
                throw JSONError(.unexpectedEnd, at: index, "unterminated string starting at byte \(start - 1)")
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                break
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                let (consumed, produced) = try scanEscape(at: index)
                index += consumed
                decodedCount += produced
                continue
            }
            if byte < 0x20 {
                throw JSONError(.unexpectedCharacter, at: index, "control character 0x\(String(byte, radix: 16)) must be escaped in a string")
            }
            if byte < 0x80 {
                index += 1
                decodedCount += 1
                continue
            }
            let length = try validateUTF8Sequence(at: index)
            index += length
            decodedCount += length
        }
        offset = index + 1
        return JSONStringToken(start: start, end: index, decodedCount: decodedCount, hasEscapes: hasEscapes)
    }

    /// Validates the escape at `index` (the backslash); returns bytes consumed and UTF-8 bytes produced.
    private func scanEscape(at index: Int) throws(JSONError) -> (consumed: Int, produced: Int) {
        guard index + 1 < bytes.count else {
            throw JSONError(.unexpectedEnd, at: index + 1, "unterminated escape sequence")
        }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return (2, 1)
        case UInt8(ascii: "u"):
            let unit = try readHex4(at: index + 2)
            switch unit {
            case 0..<0x80: return (6, 1)
            case 0x80..<0x800: return (6, 2)
            case 0xD800..<0xDC00:
                guard index + 7 < bytes.count, bytes[index + 6] == UInt8(ascii: "\\"), bytes[index + 7] == UInt8(ascii: "u")
                else {
                    throw JSONError(.invalidEscape, at: index, "high surrogate \\u\(String(unit, radix: 16)) is not followed by a low surrogate")
                }
                let low = try readHex4(at: index + 8)
                guard low >= 0xDC00 && low < 0xE000 else {
                    throw JSONError(.invalidEscape, at: index + 6, "expected a low surrogate after \\u\(String(unit, radix: 16))")
                }
                return (12, 4)
            case 0xDC00..<0xE000:
                throw JSONError(.invalidEscape, at: index, "lone low surrogate \\u\(String(unit, radix: 16))")
            default:
                return (6, 3)
            }
        default:
            throw JSONError(.invalidEscape, at: index, "invalid escape sequence")
        }
    }

    private func readHex4(at index: Int) throws(JSONError) -> UInt16 {
        var value: UInt16 = 0
        for i in index..<(index + 4) {
            guard i < bytes.count else {
                throw JSONError(.unexpectedEnd, at: i, "unterminated \\u escape")
            }
            guard let digit = hexValue(bytes[i]) else {
                throw JSONError(.invalidEscape, at: i, "expected a hex digit in \\u escape")
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    /// Validates one multi-byte UTF-8 sequence whose lead byte (≥ 0x80) is at `index`; returns its length.
    private func validateUTF8Sequence(at index: Int) throws(JSONError) -> Int {
        guard let length = UTF8Validation.sequenceLength(bytes, at: index) else {
            throw JSONError(.invalidUTF8, at: index, "invalid UTF-8 in string")
        }
        return length
    }
}
