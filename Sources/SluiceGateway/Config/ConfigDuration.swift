public import NIOCore

/// Durations as route files write them: an integer and a unit, `250us`, `500ms`, `1s`, `2m`, `1h`.
public enum ConfigDuration {
    /// `nil` when `text` is not a non-negative integer followed by one of `us`, `ms`, `s`, `m`, `h`.
    public static func parse(_ text: String) -> TimeAmount? {
        let bytes = Array(text.utf8)
        var index = 0
        var value: Int64 = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(bytes[index] - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            value = sum
            index += 1
        }
        guard index > 0 else { return nil }
        let unit = String(decoding: bytes[index...], as: UTF8.self)
        let nanosecondsPerUnit: Int64
        switch unit {
        case "us": nanosecondsPerUnit = 1_000
        case "ms": nanosecondsPerUnit = 1_000_000
        case "s": nanosecondsPerUnit = 1_000_000_000
        case "m": nanosecondsPerUnit = 60_000_000_000
        case "h": nanosecondsPerUnit = 3_600_000_000_000
        default: return nil
        }
        let (nanoseconds, overflow) = value.multipliedReportingOverflow(by: nanosecondsPerUnit)
        return overflow ? nil : .nanoseconds(nanoseconds)
    }
}
