/// One bucket's counters, as Sentinel's `MetricBucket` keeps them. "success" means completed, errors included
/// (Sentinel counts an exit as a success whatever its outcome); `exception` counts the failed ones among them.
public struct MetricBucket: WindowBucket, Sendable, Equatable {
    /// Sentinel's `csp.sentinel.statistic.max.rt`: a bucket's min RT before any completion.
    public static let initialMinRt: Int64 = 5000

    public var pass: Int64 = 0
    public var block: Int64 = 0
    public var success: Int64 = 0
    public var exception: Int64 = 0
    public var rt: Int64 = 0
    public var minRt: Int64 = MetricBucket.initialMinRt
    public var occupiedPass: Int64 = 0
    /// False until the owner first touched the bucket since its reset; an occupiable window uses it to carry
    /// the passes booked in advance into a bucket the moment it becomes current.
    var seeded = false
    /// Passes booked ahead into this bucket (seeded): the minute window counted them when they were booked.
    var seededPass: Int64 = 0

    public init() {}

    public mutating func reset() { self = MetricBucket() }

    /// Adds what a finer window's bucket counted (its booked passes are already here).
    mutating func absorb(_ finer: MetricBucket) {
        pass += finer.pass - finer.seededPass
        block += finer.block
        success += finer.success
        exception += finer.exception
        rt += finer.rt
        minRt = min(minRt, finer.minRt)
        occupiedPass += finer.occupiedPass
    }

    mutating func addSuccess(rt millis: Int64, count: Int64) {
        success += count
        rt += millis
        if millis < minRt { minRt = millis }
    }
}

/// A bucket of passes booked ahead by prioritized entries (Sentinel's borrow array).
struct WaitingBucket: WindowBucket, Sendable {
    var waiting: Int64 = 0
    init() {}
    mutating func reset() { waiting = 0 }
}
