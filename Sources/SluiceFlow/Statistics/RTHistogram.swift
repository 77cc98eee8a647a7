/// Completions counted by response time, in 32 millisecond buckets, for a window's percentiles (the admin API's
/// p99 per second). Sentinel keeps only the sum and the minimum; a fixed vector keeps the bucket a plain value
/// (no allocation), one increment per completion and one vector add when a finer window's bucket is absorbed.
public struct RTHistogram: Sendable, Equatable {
    /// Each bucket's upper bound in milliseconds (inclusive), 1-2-2.5-3-4-5-6-8 steps; the last takes the rest.
    static let bounds: [Int64] = [
        0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 400, 500, 600, 800,
        1000, 2000, 5000, .max,
    ]

    private var counts = SIMD32<UInt32>()
    /// The largest time counted: a percentile in the last, open bucket (or past a small sample's largest) is it.
    public private(set) var maxRt: Int64 = 0

    public init() {}

    /// The bucket of `millis`: a binary search of 32 bounds.
    static func index(of millis: Int64) -> Int {
        var low = 0
        var high = bounds.count - 1
        while low < high {
            let middle = (low + high) / 2
            if millis <= bounds[middle] { high = middle } else { low = middle + 1 }
        }
        return low
    }

    mutating func add(_ millis: Int64, count: Int64) {
        let index = Self.index(of: millis)
        counts[index] &+= UInt32(truncatingIfNeeded: count)
        if millis > maxRt { maxRt = millis }
    }

    mutating func absorb(_ other: RTHistogram) {
        counts &+= other.counts
        if other.maxRt > maxRt { maxRt = other.maxRt }
    }

    /// The time within which `fraction` (0...1) of the counted completions ended: the upper bound of the bucket
    /// the rank falls in, or the largest time counted if that is less; nil when nothing was counted.
    public func percentile(_ fraction: Double) -> Int64? {
        var total: UInt64 = 0
        for index in counts.indices { total += UInt64(counts[index]) }
        guard total > 0 else { return nil }
        let rank = max(1, UInt64((Double(total) * fraction).rounded(.up)))
        var seen: UInt64 = 0
        for index in counts.indices {
            seen += UInt64(counts[index])
            if seen >= rank { return min(Self.bounds[index], maxRt) }
        }
        return maxRt
    }
}
