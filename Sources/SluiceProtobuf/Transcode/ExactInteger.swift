import SluiceJSON

/// An integer's exact value from JSON number text, with a fraction or exponent allowed when the value is
/// whole (`1.0`, `1e3`), over the whole of `UInt64` and `Int64` (SluiceJSON's `IntegerText` stops at `Int64`).
enum ExactInteger {
    case value(negative: Bool, magnitude: UInt64)
    /// Whole but beyond 2^64 - 1 in magnitude.
    case overflow
    /// Not a whole number.
    case fraction

    /// `text` is valid JSON number syntax.
    static func parse(_ text: UnsafeRawBufferPointer) -> ExactInteger {
        var index = 0
        let negative = text.first == UInt8(ascii: "-")
        if negative { index = 1 }
        // The significant digits, from the first non-zero one to the last non-zero one; zeros after that
        // are counted, not multiplied in, so `1.000000000000000000000` is not an overflow.
        var magnitude: UInt64 = 0
        var overflowed = false
        var pendingZeros = 0
        var fractionDigits = 0
        var seenPoint = false
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: ".") {
                seenPoint = true
                index += 1
                continue
            }
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            index += 1
            if seenPoint { fractionDigits += 1 }
            if digit == 0 {
                if magnitude != 0 || overflowed { pendingZeros += 1 }
                continue
            }
            while pendingZeros > 0 {
                let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                overflowed = overflowed || overflow
                magnitude = times10
                pendingZeros -= 1
            }
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            overflowed = overflowed || o1 || o2
            magnitude = sum
        }
        var exponent = 0
        if index < text.count {
            index += 1  // `e` or `E`
            var exponentNegative = false
            if index < text.count && (text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+")) {
                exponentNegative = text[index] == UInt8(ascii: "-")
                index += 1
            }
            while index < text.count {
                exponent = min(exponent * 10 + Int(text[index] &- UInt8(ascii: "0")), 1 << 20)
                index += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        if magnitude == 0 && !overflowed { return .value(negative: false, magnitude: 0) }
        // value = magnitude × 10^scale, and magnitude ends in a non-zero digit: a negative scale is a fraction.
        var scale = pendingZeros + exponent - fractionDigits
        if scale < 0 { return .fraction }
        if overflowed { return .overflow }
        while scale > 0 {
            let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            if overflow { return .overflow }
            magnitude = times10
            scale -= 1
        }
        return .value(negative: negative, magnitude: magnitude)
    }

    /// The value if it lies in `minimum...maximum`.
    func signed(in range: ClosedRange<Int64>) -> Int64? {
        guard case .value(let negative, let magnitude) = self else { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            let value = magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
            return range.contains(value) ? value : nil
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return range.contains(Int64(magnitude)) ? Int64(magnitude) : nil
    }

    func unsigned(upTo maximum: UInt64) -> UInt64? {
        guard case .value(let negative, let magnitude) = self else { return nil }
        if negative { return magnitude == 0 ? 0 : nil }
        return magnitude <= maximum ? magnitude : nil
    }

    /// The value as `kind`'s wire bits (zigzag for `sint`, two's complement for negatives); nil when out of
    /// `kind`'s range or not whole.
    func wireBits(as kind: ProtobufKind) -> UInt64? {
        switch kind {
        case .int32, .enumeration:
            signed(in: Int64(Int32.min)...Int64(Int32.max)).map { UInt64(bitPattern: $0) }
        case .sint32:
            signed(in: Int64(Int32.min)...Int64(Int32.max)).map { value in
                let value = Int32(value)
                return UInt64(UInt32(bitPattern: (value << 1) ^ (value >> 31)))
            }
        case .sfixed32:
            signed(in: Int64(Int32.min)...Int64(Int32.max)).map { UInt64(UInt32(bitPattern: Int32($0))) }
        case .int64, .sfixed64:
            signed(in: Int64.min...Int64.max).map { UInt64(bitPattern: $0) }
        case .sint64:
            signed(in: Int64.min...Int64.max).map { UInt64(bitPattern: ($0 << 1) ^ ($0 >> 63)) }
        case .uint32, .fixed32:
            unsigned(upTo: UInt64(UInt32.max))
        default:
            unsigned(upTo: UInt64.max)
        }
    }

    /// Whether `text` is exactly one JSON number (no sign but `-`, no spaces), as integers and floats may be
    /// spelled inside JSON strings and in bound text.
    static func isJSONNumber(_ text: UnsafeRawBufferPointer) -> Bool {
        guard let first = text.first, first == UInt8(ascii: "-") || first &- UInt8(ascii: "0") < 10 else { return false }
        var scanner = JSONScanner(bytes: text)
        return (try? scanner.readNumber()) != nil && scanner.offset == text.count
    }
}
