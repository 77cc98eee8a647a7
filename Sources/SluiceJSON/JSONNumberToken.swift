/// A JSON number as a range of the scanned input, already checked against RFC 8259's grammar.
public struct JSONNumberToken: Sendable, Hashable {
    public let start: Int
    public let end: Int
    /// No fraction and no exponent.
    public let isInteger: Bool
}

/// The outcome of parsing decimal integer text.
public enum IntegerText: Sendable, Hashable {
    case value(Int64)
    /// Well-formed but beyond `Int64`.
    case overflow
    /// Not an integer.
    case invalid

    /// Parses `-?[0-9]+` (no sign `+`, no spaces). Leading zeros are accepted: this is for text that is not
    /// JSON syntax (map keys, bound parameters, quoted i64), where "007" is harmless.
    public static func parse(_ text: UnsafeRawBufferPointer) -> IntegerText {
        var index = 0
        let negative = text.count > 0 && text[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < text.count else { return .invalid }
        var magnitude: UInt64 = 0
        var overflowed = false
        while index < text.count {
            let digit = text[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return .invalid }
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            if o1 || o2 { overflowed = true }
            magnitude = sum
            index += 1
        }
        if overflowed { return .overflow }
        return signed(magnitude, negative: negative)
    }

    public static func parse(_ text: String) -> IntegerText {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }
}

extension JSONScanner {
    /// Reads a number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    public mutating func readNumber() throws(JSONError) -> JSONNumberToken {
        skipWhitespace()
        let start = offset
        var index = offset
        let end = bytes.count
        if index < end && bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < end else {
            throw JSONError(.unexpectedEnd, at: index, "expected a number but the input ended")
        }
        let first = bytes[index]
        if first == UInt8(ascii: "0") {
            index += 1
            if index < end && isDigit(bytes[index]) {
                throw JSONError(.invalidNumber, at: start, "leading zeros are not allowed in numbers")
            }
        } else if isDigit(first) {
            while index < end && isDigit(bytes[index]) { index += 1 }
        } else {
            offset = index
            throw unexpectedCharacter("a digit")
        }
        var isInteger = true
        if index < end && bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < end && isDigit(bytes[index]) else {
                throw JSONError(.invalidNumber, at: index, "expected a digit after the decimal point")
            }
            while index < end && isDigit(bytes[index]) { index += 1 }
        }
        if index < end && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            isInteger = false
            index += 1
            if index < end && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
            guard index < end && isDigit(bytes[index]) else {
                throw JSONError(.invalidNumber, at: index, "expected a digit in the exponent")
            }
            while index < end && isDigit(bytes[index]) { index += 1 }
        }
        offset = index
        return JSONNumberToken(start: start, end: index, isInteger: isInteger)
    }

    /// The number's text.
    public func rawBytes(of token: JSONNumberToken) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end])
    }

    /// The exact value of the number, or `.overflow`; `.invalid` when it is not a whole number. A fraction or
    /// exponent is fine when the value is whole (`1.0`, `1e3`): see ``IntegerText/parseExact(jsonNumber:)``.
    public func integer(_ token: JSONNumberToken) -> IntegerText {
        guard token.isInteger else { return IntegerText.parseExact(jsonNumber: rawBytes(of: token)) }
        return IntegerText.parse(rawBytes(of: token))
    }

    /// The nearest `Double`: numbers too large become ±infinity (callers that must not accept that check
    /// `isFinite`), too small ones ±0. `-0` is negative zero.
    public func double(_ token: JSONNumberToken) -> Double {
        if token.isInteger, case .value(let value) = integer(token), value.magnitude < (1 << 53) {
            // Int64 has no negative zero.
            if value == 0 && bytes[token.start] == UInt8(ascii: "-") { return -0.0 }
            return Double(value)
        }
        if let value = Self.exactDouble(rawBytes(of: token)) {
            return value
        }
        // Short numbers fit a small String without allocating.
        let text = String(decoding: rawBytes(of: token), as: UTF8.self)
        return Double(text) ?? .nan
    }

    /// Clinger's fast path: when the digits form an integer below 2^53 and the decimal exponent is within
    /// ±22, both are exact doubles and one multiplication or division rounds correctly, as `strtod` would.
    /// nil otherwise (more digits, larger exponents), for the general parser. `text` is valid JSON number syntax.
    static func exactDouble(_ text: UnsafeRawBufferPointer) -> Double? {
        var index = 0
        let negative = text.count > 0 && text[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var seenPoint = false
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: ".") {
                seenPoint = true
            } else if isDigit(byte) {
                // Leading zeros add no precision.
                if mantissa != 0 || byte != UInt8(ascii: "0") { digits += 1 }
                guard digits <= 15 else { return nil }
                mantissa = mantissa &* 10 &+ UInt64(byte &- UInt8(ascii: "0"))
                if seenPoint { exponent -= 1 }
            } else {
                break  // `e` or `E`
            }
            index += 1
        }
        if index < text.count {
            index += 1
            var exponentNegative = false
            if text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
                exponentNegative = text[index] == UInt8(ascii: "-")
                index += 1
            }
            var written = 0
            while index < text.count {
                written = written * 10 + Int(text[index] &- UInt8(ascii: "0"))
                guard written <= 1000 else { return nil }
                index += 1
            }
            exponent += exponentNegative ? -written : written
        }
        guard exponent >= -22 && exponent <= 22 else { return mantissa == 0 ? (negative ? -0.0 : 0.0) : nil }
        var value = Double(mantissa)
        if exponent < 0 {
            value /= exactPowersOfTen[-exponent]
        } else {
            value *= exactPowersOfTen[exponent]
        }
        return negative ? -value : value
    }
}

/// 10^0 ... 10^22, every one exactly representable as a `Double`.
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
    1e20, 1e21, 1e22,
]

@inline(__always)
func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
