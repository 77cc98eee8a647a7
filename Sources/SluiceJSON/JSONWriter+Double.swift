extension JSONWriter {
    /// 10^0 ... 10^15, exact as doubles.
    @usableFromInline static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ]

    /// Writes `[,]value` for finite values of magnitude in [0.001, 10^15) that are m / 10^k for an
    /// integer m < 10^15 — prices, rates, most measured values — and returns false for anything else.
    ///
    /// The text is what `Double.description` writes, without formatting through a `String`: with the
    /// smallest such k, m is the only integer whose m / 10^k rounds to the value (the value's ulp is below
    /// 10^-k / 4 there), so those are the shortest digits that read back exactly (Clinger: m and 10^k
    /// are exact, one division rounds correctly), and `description` uses plain notation in this range.
    mutating func writeShortDouble(_ value: Double) -> Bool {
        let magnitude = value.magnitude
        guard magnitude >= 0.001 && magnitude < 1e15 else { return false }
        var k = 0
        var mantissa: Double = 0
        while true {
            let power = Self.powersOfTen[k]
            let scaled = magnitude * power
            guard scaled < 1e15 else { return false }
            mantissa = scaled.rounded()
            if mantissa / power == magnitude { break }
            k += 1
            if k == Self.powersOfTen.count { return false }
        }
        let digits = UInt64(mantissa)
        let divisor = UInt64(Self.powersOfTen[k])
        let whole = digits / divisor
        var fraction = digits % divisor
        let negative = value < 0
        let comma = needsSeparator
        buffer.appendRaw(capacity: 40) { output in
            var count = 0
            if comma { output.put(UInt8(ascii: ","), &count) }
            if negative { output.put(UInt8(ascii: "-"), &count) }
            // The whole part, right to left.
            var wholeDigits = 1
            var rest = whole
            while rest >= 10 {
                wholeDigits += 1
                rest /= 10
            }
            var value = whole
            for index in stride(from: count + wholeDigits - 1, through: count, by: -1) {
                output.storeBytes(of: UInt8(ascii: "0") &+ UInt8(value % 10), toByteOffset: index, as: UInt8.self)
                value /= 10
            }
            count += wholeDigits
            output.put(UInt8(ascii: "."), &count)
            if k == 0 {
                output.put(UInt8(ascii: "0"), &count)
                return count
            }
            // Exactly k fraction digits, with leading zeros.
            for index in stride(from: count + k - 1, through: count, by: -1) {
                output.storeBytes(of: UInt8(ascii: "0") &+ UInt8(fraction % 10), toByteOffset: index, as: UInt8.self)
                fraction /= 10
            }
            return count + k
        }
        return true
    }
}
