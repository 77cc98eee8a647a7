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
        if negative {
            if magnitude > UInt64(Int64.max) + 1 { return .overflow }
            return .value(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
        }
        if magnitude > UInt64(Int64.max) { return .overflow }
        return .value(Int64(magnitude))
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

    /// The value of an integer token, or `.overflow`; `.invalid` for fractions and exponents.
    public func integer(_ token: JSONNumberToken) -> IntegerText {
        guard token.isInteger else { return .invalid }
        return IntegerText.parse(rawBytes(of: token))
    }

    /// The nearest `Double` (numbers too large become ±infinity, as in every JSON parser).
    public func double(_ token: JSONNumberToken) -> Double {
        if token.isInteger, case .value(let value) = integer(token), value.magnitude < (1 << 53) {
            return Double(value)
        }
        // Short numbers fit a small String without allocating.
        let text = String(decoding: rawBytes(of: token), as: UTF8.self)
        return Double(text) ?? .nan
    }
}

@inline(__always)
func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
