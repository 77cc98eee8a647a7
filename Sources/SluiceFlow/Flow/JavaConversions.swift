/// Java's `(long)` and `Math.round` on a double: NaN gives 0 and out-of-range values saturate, where Swift's
/// conversions would trap. Rule values are user input (a count of 1e-12 or 1e30 must not crash the gateway).
enum Java {
    static func long(_ value: Double) -> Int64 {
        if value.isNaN { return 0 }
        if value >= 9.223372036854775807e18 { return .max }
        if value <= -9.223372036854775808e18 { return .min }
        return Int64(value)
    }

    /// `Math.round`: floor(value + 0.5), saturating.
    static func round(_ value: Double) -> Int64 {
        long((value + 0.5).rounded(.down))
    }

    /// `(int)`, saturating to Int32 as Java does.
    static func int(_ value: Double) -> Int {
        Int(max(Int64(Int32.min), min(Int64(Int32.max), long(value))))
    }
}
