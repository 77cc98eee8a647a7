/// Rule numbers come from files: a huge count or duration must saturate rather than trap (Swift traps on
/// overflow where Java wraps silently), so the rules' arithmetic goes through these.
extension Int64 {
    /// `value` rounded toward zero (Java's `(long)` cast), clamped to the range; NaN is 0.
    init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= 9.2e18 {
            self = .max
        } else if value <= -9.2e18 {
            self = .min
        } else {
            self = Int64(value)
        }
    }

    func saturatingAdding(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    func saturatingMultiplied(by other: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) != (other < 0) ? .min : .max) : product
    }
}
