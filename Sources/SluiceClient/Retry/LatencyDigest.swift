public import NIOCore

/// A service's recent latencies as a bounded log-linear histogram (HdrHistogram's layout with 16 buckets per
/// power of two), answering p50...p99.9 within about 3 % of the true value: microseconds below 16 are exact,
/// above that each bucket spans 1/16 of its power of two and answers its midpoint.
///
/// "Recent" is two windows: samples go into the current one, queries read both, and every `window` the
/// current becomes the previous and the oldest is dropped, so a query covers the last one to two windows.
/// Fixed size (two arrays of 592 counts) whatever the traffic; a query walks them (a few hundred adds), so the
/// owner refreshes what it derives from it (a hedge delay) on its own tick rather than per call. A value:
/// each event loop keeps its own, which is enough to tell a slow tail and needs no lock.
public struct LatencyDigest: Sendable, Hashable {
    static let subBucketBits = 4
    static let subBuckets = 1 << subBucketBits
    /// Latencies are clamped to 2^40 µs (about 12.7 days).
    static let maxMicroseconds: Int64 = (1 << 40) - 1
    static let bucketCount = index(ofMicroseconds: maxMicroseconds) + 1

    public let window: TimeAmount
    private var current: [UInt32]
    private var previous: [UInt32]
    private var currentCount = 0
    private var previousCount = 0
    private var windowStart: NIODeadline?

    /// `window` defaults to 10 s.
    public init(window: TimeAmount = .seconds(10)) {
        self.window = window
        self.current = [UInt32](repeating: 0, count: Self.bucketCount)
        self.previous = current
    }

    /// Samples in the last one to two windows.
    public var count: Int { currentCount + previousCount }

    public mutating func record(_ latency: TimeAmount, now: NIODeadline) {
        rotate(now: now)
        let micros = min(Self.maxMicroseconds, max(0, latency.nanoseconds / 1_000))
        current[Self.index(ofMicroseconds: micros)] += 1
        currentCount += 1
    }

    /// Drops samples older than two windows at `now`; `record` does this itself, a reader with no new samples
    /// calls it so that an idle service's old latencies age out.
    public mutating func rotate(now: NIODeadline) {
        guard let start = windowStart else {
            windowStart = now
            return
        }
        guard now - start >= window else { return }
        if now - start >= window + window {
            Self.clear(&previous)
            previousCount = 0
            windowStart = now
        } else {
            swap(&previous, &current)
            previousCount = currentCount
            windowStart = start + window
        }
        Self.clear(&current)
        currentCount = 0
    }

    /// The latency at quantile `q` (0.5 for p50, 0.999 for p99.9) of the recent samples: the smallest bucket
    /// holding at least `q` of them; nil when there are none.
    public func quantile(_ q: Double) -> TimeAmount? {
        let total = count
        guard total > 0 else { return nil }
        let rank = min(total, max(1, Int((q * Double(total)).rounded(.up))))
        var seen = 0
        for index in 0..<Self.bucketCount {
            seen += Int(current[index]) + Int(previous[index])
            if seen >= rank { return .nanoseconds(Self.midpointMicroseconds(of: index) * 1_000) }
        }
        return .nanoseconds(Self.maxMicroseconds * 1_000)
    }

    private static func clear(_ counts: inout [UInt32]) {
        for index in counts.indices { counts[index] = 0 }
    }

    static func index(ofMicroseconds value: Int64) -> Int {
        guard value >= subBuckets else { return Int(value) }
        let exponent = Int64.bitWidth - 1 - value.leadingZeroBitCount
        let shift = exponent - subBucketBits
        let sub = Int(value >> shift) & (subBuckets - 1)
        return subBuckets + shift * subBuckets + sub
    }

    static func midpointMicroseconds(of index: Int) -> Int64 {
        guard index >= subBuckets else { return Int64(index) }
        let shift = (index - subBuckets) / subBuckets
        let sub = (index - subBuckets) % subBuckets
        let lower = Int64(subBuckets + sub) << shift
        return lower + (Int64(1) << shift) / 2
    }
}
