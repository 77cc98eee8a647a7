/// Byte sizes as config files write them: an integer and a unit, `512B`, `64KiB`, `8MiB`, `1GiB`
/// (binary units only, so `KiB` is never mistaken for 1000 bytes).
public enum ConfigSize {
    /// `nil` when `text` is not a non-negative integer followed by one of `B`, `KiB`, `MiB`, `GiB`.
    public static func parse(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let value = Int(digits) else { return nil }
        let shift: Int
        switch text.dropFirst(digits.count) {
        case "B": shift = 0
        case "KiB": shift = 10
        case "MiB": shift = 20
        case "GiB": shift = 30
        default: return nil
        }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: 1 << shift)
        return overflow ? nil : bytes
    }
}
