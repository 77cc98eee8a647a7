/// Sentinel's `OccupiableBucketLeapArray`: a sliding window whose future buckets can be booked in advance. A
/// prioritized entry that finds the current window full may borrow a pass from a bucket that has not started
/// yet; when that bucket becomes current it starts with the borrowed passes already counted, so the entry,
/// admitted after its wait, is charged to the window it really runs in.
public struct OccupiableWindow: Sendable {
    /// Most nodes never book ahead; they skip the borrow lookup. (Before `buckets`: every event reads both.)
    private var everBorrowed = false
    private(set) var buckets: LeapArray<MetricBucket>
    /// Passes booked per future window (Sentinel's `FutureBucketLeapArray`: only windows after `now` count).
    private var borrowed: LeapArray<WaitingBucket>

    public init(sampleCount: Int, intervalMillis: Int64) {
        buckets = LeapArray(sampleCount: sampleCount, intervalMillis: intervalMillis)
        borrowed = LeapArray(sampleCount: sampleCount, intervalMillis: intervalMillis)
    }

    public var intervalMillis: Int64 { buckets.intervalMillis }
    public var sampleCount: Int { buckets.sampleCount }
    public var windowLengthMillis: Int64 { buckets.windowLengthMillis }

    public typealias Rolled = LeapArray<MetricBucket>.Rolled

    /// Runs `body` on the current bucket, first seeding a freshly started one with what was booked for it.
    public mutating func withCurrent<R>(at now: Int64, _ body: (inout MetricBucket) -> R) -> R {
        var rolled: Rolled?
        return withCurrent(at: now, rolled: &rolled, body)
    }

    /// ``withCurrent(at:_:)``, setting `rolled` to the bucket the call pushed out of its slot, if any.
    public mutating func withCurrent<R>(at now: Int64, rolled: inout Rolled?, _ body: (inout MetricBucket) -> R) -> R {
        guard everBorrowed else {
            return buckets.withBucket(at: now, rolled: &rolled) { bucket in
                bucket.seeded = true
                return body(&bucket)
            }
        }
        let borrowed = self.borrowed
        let start = buckets.windowStart(of: now)
        return buckets.withBucket(at: now, rolled: &rolled) { bucket in
            if !bucket.seeded {
                bucket.seeded = true
                let booked = Self.booked(in: borrowed, startingAt: start)
                bucket.pass += booked
                bucket.seededPass = booked
            }
            return body(&bucket)
        }
    }

    /// Calls `body` with each bucket of the last interval, after refreshing the current one (Sentinel's reads).
    public mutating func forEachValid(at now: Int64, _ body: (_ start: Int64, _ bucket: MetricBucket) -> Void) {
        var rolled: Rolled?
        forEachValid(at: now, rolled: &rolled, body)
    }

    /// ``forEachValid(at:_:)``, setting `rolled` to the bucket the refresh pushed out of its slot, if any.
    public mutating func forEachValid(
        at now: Int64, rolled: inout Rolled?, _ body: (_ start: Int64, _ bucket: MetricBucket) -> Void
    ) {
        withCurrent(at: now, rolled: &rolled) { _ in }
        buckets.forEachValid(at: now, body)
    }

    /// Books `count` passes in the window holding `time` (a future one).
    public mutating func addWaiting(at time: Int64, count: Int64) {
        everBorrowed = true
        borrowed.withBucket(at: time) { $0.waiting += count }
    }

    /// Passes booked in windows that have not started at `now` (Sentinel's `currentWaiting`).
    public func currentWaiting(at now: Int64) -> Int64 {
        var total: Int64 = 0
        borrowed.forEachValid(at: now) { start, bucket in
            if start > now { total += bucket.waiting }
        }
        return total
    }

    private static func booked(in borrowed: LeapArray<WaitingBucket>, startingAt start: Int64) -> Int64 {
        var booked: Int64 = 0
        borrowed.forEachValid(at: start) { bucketStart, bucket in
            if bucketStart == start { booked = bucket.waiting }
        }
        return booked
    }
}
