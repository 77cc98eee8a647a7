/// What Sentinel's `StatisticNode` keeps for one resource (or one origin of it, or all inbound traffic): the
/// per-second window (2 × 500 ms, occupiable), the per-minute window (60 × 1 s) and the entries in flight, with
/// Sentinel's read formulas. A pure value driven by an explicit `now`; ``StatisticNode`` shares one between
/// event loops.
public struct NodeMetrics: Sendable {
    /// Sentinel's `SampleCountProperty` / `IntervalProperty` defaults.
    public static let sampleCount = 2
    public static let intervalMillis: Int64 = 1000
    /// Sentinel's `OccupyTimeoutProperty` default: a prioritized entry waits less than this, or is blocked.
    public static let occupyTimeoutMillis: Int64 = 500

    public internal(set) var second: OccupiableWindow
    public internal(set) var minute: LeapArray<MetricBucket>
    /// Entries admitted and not yet completed (Sentinel's `curThreadNum`: requests in flight, not threads).
    public private(set) var inFlight: Int64 = 0

    public init(sampleCount: Int = NodeMetrics.sampleCount, intervalMillis: Int64 = NodeMetrics.intervalMillis) {
        second = OccupiableWindow(sampleCount: sampleCount, intervalMillis: intervalMillis)
        minute = LeapArray(sampleCount: 60, intervalMillis: 60_000)
    }

    private var intervalSeconds: Double { Double(second.intervalMillis) / 1000 }

    // MARK: events (StatisticSlot)

    /// An admitted entry: one more in flight and `count` passes.
    public mutating func recordPass(_ count: Int64 = 1, now: Int64) {
        inFlight += 1
        second.withCurrent(at: now) { $0.pass += count }
        minute.withBucket(at: now) { $0.pass += count }
    }

    /// A blocked entry: counted as block, never as exception, and not in flight.
    public mutating func recordBlock(_ count: Int64 = 1, now: Int64) {
        second.withCurrent(at: now) { $0.block += count }
        minute.withBucket(at: now) { $0.block += count }
    }

    /// A prioritized entry's pass booked in the window it will run in (`waitMillis` from now), and counted as
    /// occupied in the minute (Sentinel's `addWaitingRequest` + `addOccupiedPass`).
    public mutating func bookOccupiedPass(_ count: Int64 = 1, waitMillis: Int64, now: Int64) {
        second.addWaiting(at: now + waitMillis, count: count)
        minute.withBucket(at: now) {
            $0.occupiedPass += count
            $0.pass += count
        }
    }

    /// An entry admitted after a booked wait: in flight, its pass already booked.
    public mutating func recordWaitingEntry() {
        inFlight += 1
    }

    /// An admitted entry that ended: "success" whatever its outcome, plus an exception when it failed.
    public mutating func recordCompletion(rtMillis: Int64, failed: Bool, count: Int64 = 1, now: Int64) {
        inFlight -= 1
        second.withCurrent(at: now) {
            $0.addSuccess(rt: rtMillis, count: count)
            if failed { $0.exception += count }
        }
        minute.withBucket(at: now) {
            $0.addSuccess(rt: rtMillis, count: count)
            if failed { $0.exception += count }
        }
    }

    // MARK: reads (Sentinel's formulas)

    private mutating func secondSum(at now: Int64, _ field: (MetricBucket) -> Int64) -> Int64 {
        var total: Int64 = 0
        second.forEachValid(at: now) { _, bucket in total += field(bucket) }
        return total
    }

    public mutating func passQps(at now: Int64) -> Double { Double(secondSum(at: now, \.pass)) / intervalSeconds }
    public mutating func blockQps(at now: Int64) -> Double { Double(secondSum(at: now, \.block)) / intervalSeconds }
    public mutating func successQps(at now: Int64) -> Double {
        Double(secondSum(at: now, \.success)) / intervalSeconds
    }
    public mutating func exceptionQps(at now: Int64) -> Double {
        Double(secondSum(at: now, \.exception)) / intervalSeconds
    }
    public mutating func occupiedPassQps(at now: Int64) -> Double {
        Double(secondSum(at: now, \.occupiedPass)) / intervalSeconds
    }
    public mutating func totalQps(at now: Int64) -> Double { passQps(at: now) + blockQps(at: now) }

    /// RT sum over completions of the last second; 0 when none completed.
    public mutating func avgRt(at now: Int64) -> Double {
        var rt: Int64 = 0
        var success: Int64 = 0
        second.forEachValid(at: now) { _, bucket in
            rt += bucket.rt
            success += bucket.success
        }
        return success == 0 ? 0 : Double(rt) / Double(success)
    }

    /// The least RT of the last second, at least 1; 5000 when nothing completed.
    public mutating func minRt(at now: Int64) -> Double {
        var least = MetricBucket.initialMinRt
        second.forEachValid(at: now) { _, bucket in least = min(least, bucket.minRt) }
        return Double(max(1, least))
    }

    /// The busiest bucket's completions scaled to a second; the bucket count is at least 1, as in Sentinel,
    /// so BBR never divides a quiet node's capacity down to zero.
    public mutating func maxSuccessQps(at now: Int64) -> Double {
        var most: Int64 = 0
        second.forEachValid(at: now) { _, bucket in most = max(most, bucket.success) }
        return Double(max(most, 1) * Int64(second.sampleCount)) / intervalSeconds
    }

    /// Passes of the minute window's previous second (0 when it is stale): what warm-up spends tokens by.
    public mutating func previousPassQps(at now: Int64) -> Double {
        minute.withBucket(at: now) { _ in }
        return Double(minute.previous(at: now)?.pass ?? 0)
    }

    public mutating func previousBlockQps(at now: Int64) -> Double {
        minute.withBucket(at: now) { _ in }
        return Double(minute.previous(at: now)?.block ?? 0)
    }

    private mutating func minuteSum(at now: Int64, _ field: (MetricBucket) -> Int64) -> Int64 {
        minute.withBucket(at: now) { _ in }
        var total: Int64 = 0
        minute.forEachValid(at: now) { _, bucket in total += field(bucket) }
        return total
    }

    /// Passes and blocks of the last minute.
    public mutating func totalRequest(at now: Int64) -> Int64 { minuteSum(at: now) { $0.pass + $0.block } }
    public mutating func totalSuccess(at now: Int64) -> Int64 { minuteSum(at: now, \.success) }

    /// Passes booked in windows that have not started.
    public func waiting(at now: Int64) -> Int64 { second.currentWaiting(at: now) }
}
