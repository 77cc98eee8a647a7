extension IntegerText {
    /// The value of JSON number text written with a fraction or an exponent (`1.0`, `1e3`, `12.50e1`), worked
    /// out on its decimal digits: going through `Double` would round `9007199254740993.0` to ...992.
    /// `.invalid` when the value has a fractional part; `.overflow` when it is whole but beyond `Int64`.
    /// `text` must be valid JSON number syntax (as ``JSONScanner/readNumber()`` checked it).
    public static func parseExact(jsonNumber text: UnsafeRawBufferPointer) -> IntegerText {
        var index = 0
        let negative = text.count > 0 && text[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        let integerDigits = index..<scanDigits(text, from: index)
        index = integerDigits.upperBound
        var fractionDigits = index..<index
        if index < text.count && text[index] == UInt8(ascii: ".") {
            fractionDigits = (index + 1)..<scanDigits(text, from: index + 1)
            index = fractionDigits.upperBound
        }
        let exponent = exponentValue(text, from: index)

        // The mantissa's digits are the integer digits then the fraction digits; position i of that sequence:
        func digit(_ i: Int) -> UInt8 {
            let byte =
                i < integerDigits.count
                ? text[integerDigits.lowerBound + i] : text[fractionDigits.lowerBound + i - integerDigits.count]
            return byte &- UInt8(ascii: "0")
        }
        let digitCount = integerDigits.count + fractionDigits.count
        var first = 0
        while first < digitCount && digit(first) == 0 { first += 1 }
        if first == digitCount { return .value(0) }  // -0.0 and 0e5 are the integer 0
        var last = digitCount - 1
        while digit(last) == 0 { last -= 1 }

        // value = digits[first...last] × 10^scale
        let scale = exponent - fractionDigits.count + (digitCount - 1 - last)
        if scale < 0 { return .invalid }
        let significant = last - first + 1
        // 10^19 > Int64.max: twenty or more digits cannot fit.
        if significant + scale > 19 { return .overflow }
        var magnitude: UInt64 = 0
        for i in first...last {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit(i)))
            if o1 || o2 { return .overflow }
            magnitude = sum
        }
        for _ in 0..<scale {
            let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            if overflow { return .overflow }
            magnitude = times10
        }
        return signed(magnitude, negative: negative)
    }

    /// `magnitude` with its sign, when it fits `Int64`.
    static func signed(_ magnitude: UInt64, negative: Bool) -> IntegerText {
        if negative {
            if magnitude > UInt64(Int64.max) + 1 { return .overflow }
            return .value(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
        }
        if magnitude > UInt64(Int64.max) { return .overflow }
        return .value(Int64(magnitude))
    }

    private static func scanDigits(_ text: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        while index < text.count && isDigit(text[index]) { index += 1 }
        return index
    }

    /// The exponent after the `e`/`E` at `start` (0 if there is none), saturated far beyond any value that could
    /// still be an `Int64` or a fraction the digits could cancel, so `1e99999999999999999999` cannot overflow.
    private static func exponentValue(_ text: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard start < text.count else { return 0 }
        var index = start + 1
        var negative = false
        if index < text.count && (text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+")) {
            negative = text[index] == UInt8(ascii: "-")
            index += 1
        }
        let limit = 1 << 50
        var value = 0
        while index < text.count {
            value = min(value * 10 + Int(text[index] &- UInt8(ascii: "0")), limit)
            index += 1
        }
        return negative ? -value : value
    }
}
