/// Completions counted by response time in 32 millisecond buckets, for a second's percentiles (the admin API's
/// p99). Sentinel keeps only the sum and the minimum. Buckets are log-linear (0, 1, 2, 3, then two per power of
/// two: 4–5, 6–7, 8–11, 12–15, 16–23, …, 49152–65535 and above), so a bucket is found from the time's leading
/// bit with no table, and a percentile is within a third of its bucket's width of the truth.
public struct RTHistogram: Sendable, Equatable {
    public static let bucketCount = 32

    /// Counts per bucket (``bucketCount`` of them).
    public internal(set) var counts: [UInt32]
    /// The largest time counted: a percentile is never reported above it.
    public internal(set) var maxRt: Int64

    public init(counts: [UInt32] = [UInt32](repeating: 0, count: RTHistogram.bucketCount), maxRt: Int64 = 0) {
        self.counts = counts
        self.maxRt = maxRt
    }

    /// The bucket of `millis`.
    @inline(__always)
    static func index(of millis: Int64) -> Int {
        guard millis >= 4 else { return Int(max(0, millis)) }
        let top = 63 - millis.leadingZeroBitCount  // ≥ 2
        let half = Int((millis >> (top - 1)) & 1)
        return min(bucketCount - 1, 4 + (top - 2) * 2 + half)
    }

    /// The largest time bucket `index` holds (the last one is open; its bound is where it starts).
    static func upperBound(of index: Int) -> Int64 {
        guard index >= 4 else { return Int64(index) }
        let top = Int64((index - 4) / 2 + 2)
        let half = Int64((index - 4) % 2)
        let lower = (Int64(1) << top) + half * (Int64(1) << (top - 1))
        return index == bucketCount - 1 ? .max : lower + (Int64(1) << (top - 1)) - 1
    }

    mutating func add(_ millis: Int64, count: Int64) {
        counts[Self.index(of: millis)] &+= UInt32(truncatingIfNeeded: count)
        if millis > maxRt { maxRt = millis }
    }

    /// The time within which `fraction` (0...1) of the counted completions ended: the upper bound of the bucket
    /// the rank falls in, or the largest time counted if that is less; nil when nothing was counted.
    public func percentile(_ fraction: Double) -> Int64? {
        let total = counts.reduce(UInt64(0)) { $0 + UInt64($1) }
        guard total > 0 else { return nil }
        let rank = max(1, UInt64((Double(total) * fraction).rounded(.up)))
        var seen: UInt64 = 0
        for (index, count) in counts.enumerated() {
            seen += UInt64(count)
            if seen >= rank { return min(Self.upperBound(of: index), maxRt) }
        }
        return maxRt
    }
}

/// The last minute's histograms, one per second in a ring of 60, kept beside a node's windows and touched only
/// by completions: not in ``MetricBucket``, whose copies and resets run on every event. Allocated on the first
/// completion.
struct RTSeconds: Sendable {
    private var counts: [UInt32] = []
    private var starts: [Int64] = []
    private var maxRts: [Int64] = []

    mutating func record(_ millis: Int64, count: Int64, at now: Int64) {
        if starts.isEmpty {
            counts = [UInt32](repeating: 0, count: 60 * RTHistogram.bucketCount)
            starts = [Int64](repeating: .min, count: 60)  // .min: never used
            maxRts = [Int64](repeating: 0, count: 60)
        }
        let start = now - now % 1000
        let slot = Int((now / 1000) % 60)
        let base = slot * RTHistogram.bucketCount
        if starts[slot] != start {
            for index in base..<(base + RTHistogram.bucketCount) { counts[index] = 0 }
            starts[slot] = start
            maxRts[slot] = 0
        }
        counts[base + RTHistogram.index(of: millis)] &+= UInt32(truncatingIfNeeded: count)
        if millis > maxRts[slot] { maxRts[slot] = millis }
    }

    /// The histograms of the seconds from `oldest` to `now`'s, by second start.
    func seconds(from oldest: Int64, to now: Int64) -> [Int64: RTHistogram] {
        var result: [Int64: RTHistogram] = [:]
        for slot in starts.indices where starts[slot] != .min && starts[slot] >= oldest && starts[slot] <= now {
            let base = slot * RTHistogram.bucketCount
            result[starts[slot]] = RTHistogram(counts: Array(counts[base..<(base + RTHistogram.bucketCount)]), maxRt: maxRts[slot])
        }
        return result
    }
}
