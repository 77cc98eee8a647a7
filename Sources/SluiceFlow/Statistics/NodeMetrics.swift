/// What Sentinel's `StatisticNode` keeps for one resource (or one origin of it, or all inbound traffic): the
/// per-second window (2 × 500 ms, occupiable), the per-minute window (60 × 1 s) and the entries in flight, with
/// Sentinel's read formulas. A pure value driven by an explicit `now`; ``StatisticNode`` shares one between
/// event loops.
///
/// An event is counted in the second window only. A second-window bucket is added to the minute window when
/// a newer window takes its slot, and the minute reads add the buckets not yet added, so they read what
/// Sentinel's minute counter holds while each request touches one window instead of two (the statistics run
/// several times a request, with their data out of cache; see Benchmarks/RESULTS.md). Passes booked ahead go
/// to the minute window when booked, as in Sentinel.
public struct NodeMetrics: Sendable {
    /// Sentinel's `SampleCountProperty` / `IntervalProperty` defaults.
    public static let sampleCount = 2
    public static let intervalMillis: Int64 = 1000
    /// Sentinel's `OccupyTimeoutProperty` default: a prioritized entry waits less than this, or is blocked.
    public static let occupyTimeoutMillis: Int64 = 500

    // Stored in the order an event touches them, so those it reads and writes share the node's first lines.
    /// Entries admitted and not yet completed (Sentinel's `curThreadNum`: requests in flight, not threads).
    public private(set) var inFlight: Int64 = 0
    public internal(set) var second: OccupiableWindow
    public internal(set) var minute: LeapArray<MetricBucket>
    /// Completion times per second of the last minute, for percentiles.
    private var rtSeconds = RTSeconds()

    /// The second window's buckets must each fall within one second of the minute window: `intervalMillis /
    /// sampleCount` divides 1000.
    public init(sampleCount: Int = NodeMetrics.sampleCount, intervalMillis: Int64 = NodeMetrics.intervalMillis) {
        second = OccupiableWindow(sampleCount: sampleCount, intervalMillis: intervalMillis)
        minute = LeapArray(sampleCount: 60, intervalMillis: 60_000)
        precondition(minute.windowLengthMillis % second.windowLengthMillis == 0)
    }

    private var intervalSeconds: Double { Double(second.intervalMillis) / 1000 }

    // MARK: events (StatisticSlot)

    /// An admitted entry: one more in flight and `count` passes.
    public mutating func recordPass(_ count: Int64 = 1, now: Int64) {
        inFlight += 1
        withSecond(at: now) { $0.pass += count }
    }

    /// A blocked entry: counted as block, never as exception, and not in flight.
    public mutating func recordBlock(_ count: Int64 = 1, now: Int64) {
        withSecond(at: now) { $0.block += count }
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
        withSecond(at: now) {
            $0.addSuccess(rt: rtMillis, count: count)
            if failed { $0.exception += count }
        }
        rtSeconds.record(rtMillis, count: count, at: now)
    }

    // MARK: the two windows

    /// Runs `body` on the second window's current bucket; a bucket that leaves the window goes to the minute's.
    private mutating func withSecond<R>(at now: Int64, _ body: (inout MetricBucket) -> R) -> R {
        var rolled: OccupiableWindow.Rolled?
        let result = second.withCurrent(at: now, rolled: &rolled, body)
        if let rolled { fold(rolled) }
        return result
    }

    /// The second window's buckets of the last interval, after refreshing the current one.
    mutating func forEachSecond(at now: Int64, _ body: (_ start: Int64, _ bucket: MetricBucket) -> Void) {
        var rolled: OccupiableWindow.Rolled?
        second.forEachValid(at: now, rolled: &rolled, body)
        if let rolled { fold(rolled) }
    }

    private mutating func fold(_ rolled: OccupiableWindow.Rolled) {
        minute.withBucket(at: rolled.start) { $0.absorb(rolled.bucket) }
    }

    // MARK: reads (Sentinel's formulas)

    private mutating func secondSum(at now: Int64, _ field: (MetricBucket) -> Int64) -> Int64 {
        var total: Int64 = 0
        forEachSecond(at: now) { _, bucket in total += field(bucket) }
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
        forEachSecond(at: now) { _, bucket in
            rt += bucket.rt
            success += bucket.success
        }
        return success == 0 ? 0 : Double(rt) / Double(success)
    }

    /// The least RT of the last second, at least 1; 5000 when nothing completed.
    public mutating func minRt(at now: Int64) -> Double {
        var least = MetricBucket.initialMinRt
        forEachSecond(at: now) { _, bucket in least = min(least, bucket.minRt) }
        return Double(max(1, least))
    }

    /// The busiest bucket's completions scaled to a second; the bucket count is at least 1, as in Sentinel,
    /// so BBR never divides a quiet node's capacity down to zero.
    public mutating func maxSuccessQps(at now: Int64) -> Double {
        var most: Int64 = 0
        forEachSecond(at: now) { _, bucket in most = max(most, bucket.success) }
        return Double(max(most, 1) * Int64(second.sampleCount)) / intervalSeconds
    }

    /// Passes of the minute window's previous second (0 when it is stale): what warm-up spends tokens by.
    public mutating func previousPassQps(at now: Int64) -> Double { Double(previousSecond(at: now).pass) }

    public mutating func previousBlockQps(at now: Int64) -> Double { Double(previousSecond(at: now).block) }

    /// The minute window's bucket of the second before `now`'s (Sentinel's `getPreviousWindow`), with what the
    /// second window holds of that second.
    private mutating func previousSecond(at now: Int64) -> MetricBucket {
        minute.withBucket(at: now) { _ in }
        var total = MetricBucket()
        let length = minute.windowLengthMillis
        guard now - length >= 0 else { return total }
        if let folded = minute.previous(at: now) { total = folded }
        let start = minute.windowStart(of: now) - length
        second.buckets.forEachUsed { bucketStart, bucket in
            if bucketStart >= start && bucketStart < start + length { total.absorb(bucket) }
        }
        return total
    }

    /// A field summed over the minute window, with what the second window holds that the minute does not yet.
    private mutating func minuteSum(at now: Int64, _ field: (MetricBucket) -> Int64) -> Int64 {
        minute.withBucket(at: now) { _ in }
        var total: Int64 = 0
        minute.forEachValid(at: now) { _, bucket in total += field(bucket) }
        // The minute's slots hold the 60 seconds up to `now`'s; an older bucket's second is no longer there.
        let oldest = minute.windowStart(of: now) - minute.intervalMillis
        second.buckets.forEachUsed { start, bucket in
            guard start >= oldest + minute.windowLengthMillis else { return }
            var unfolded = MetricBucket()
            unfolded.absorb(bucket)
            total += field(unfolded)
        }
        return total
    }

    /// The last minute second by second, oldest first (for dashboards; Sentinel's `MetricNode`s): each second of
    /// the minute window with what the second window holds of it and has not yet added.
    public mutating func lastMinute(at now: Int64) -> [(start: Int64, bucket: MetricBucket)] {
        minute.withBucket(at: now) { _ in }
        var seconds: [Int64: MetricBucket] = [:]
        minute.forEachValid(at: now) { start, bucket in seconds[start] = bucket }
        let oldest = minute.windowStart(of: now) - minute.intervalMillis + minute.windowLengthMillis
        second.buckets.forEachUsed { start, bucket in
            let whole = minute.windowStart(of: start)
            guard whole >= oldest, whole <= now else { return }
            seconds[whole, default: MetricBucket()].absorb(bucket)
        }
        return seconds.filter { $0.key >= oldest }.sorted { $0.key < $1.key }.map { (start: $0.key, bucket: $0.value) }
    }

    /// The completion times of each second of the last minute that had any (by second start, as ``lastMinute(at:)``).
    public func lastMinuteRT(at now: Int64) -> [Int64: RTHistogram] {
        rtSeconds.seconds(from: minute.windowStart(of: now) - minute.intervalMillis + minute.windowLengthMillis, to: now)
    }

    /// Passes and blocks of the last minute.
    public mutating func totalRequest(at now: Int64) -> Int64 { minuteSum(at: now) { $0.pass + $0.block } }
    public mutating func totalSuccess(at now: Int64) -> Int64 { minuteSum(at: now, \.success) }

    /// Passes booked in windows that have not started.
    public func waiting(at now: Int64) -> Int64 { second.currentWaiting(at: now) }
}
