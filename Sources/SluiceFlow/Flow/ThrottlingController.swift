/// Sentinel's `ThrottlingController` (1.8.7+): uniform pacing. Each pass reserves the next slot `1/count` s
/// after the previous one; a call whose slot is more than `maxQueueingTimeMs` away is blocked, the others are
/// told how long to wait. After idleness the next call is scheduled from now: no burst credit. In ns when
/// whole ms would be too coarse (over 1000 QPS, or a count that does not divide a second). The Go dialect
/// (`tc_throttling.go`) always paces in ns, rounds the cost up and blocks a batch larger than `count`.
public struct ThrottlingController: Sendable {
    public let dialect: FlowDialect
    public let maxQueueingTimeMs: Int64
    public let count: Double
    public let statDurationMs: Int64
    public let useNanoseconds: Bool
    /// The last reserved slot, in ms or ns; -1 before the first pass.
    public private(set) var latestPassedTime: Int64 = -1

    public init(maxQueueingTimeMs: Int, count: Double, statDurationMs: Int64 = 1000, dialect: FlowDialect = .java) {
        self.dialect = dialect
        self.maxQueueingTimeMs = Int64(maxQueueingTimeMs)
        self.count = count
        self.statDurationMs = statDurationMs
        if dialect == .go {
            useNanoseconds = true
        } else if count > 0 {
            // Java's `%` throws for a count rounding to 0; such a rate needs nanoseconds anyway.
            let rounded = Java.round(count)
            useNanoseconds = rounded == 0 || statDurationMs % rounded != 0 || count / Double(statDurationMs) > 1
        } else {
            useNanoseconds = false
        }
    }

    public mutating func check(acquire: Int = 1, now: Int64) -> FlowDecision {
        if acquire <= 0 { return .pass }
        if count <= 0 { return .block }
        if dialect == .go, Double(acquire) > count { return .block }
        let unit: Int64 = useNanoseconds ? 1_000_000 : 1
        let current = now * unit
        let exactCost = Double(unit * statDurationMs) * Double(acquire) / count
        let cost = dialect == .go ? Java.long(exactCost.rounded(.up)) : Java.round(exactCost)
        if latestPassedTime &+ cost <= current {
            latestPassedTime = current
            return .pass
        }
        let wait = (latestPassedTime &+ cost) &- current
        let (maxWait, overflow) = maxQueueingTimeMs.multipliedReportingOverflow(by: unit)
        if !overflow, wait > maxWait { return .block }
        latestPassedTime &+= cost
        // A wait under a millisecond passes now: the caller's timers have millisecond resolution.
        let waitMs = wait / unit
        return waitMs > 0 ? .wait(waitMs) : .pass
    }
}
