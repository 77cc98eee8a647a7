/// Which system threshold blocked an inbound call; named as Sentinel's `SystemBlockException` reasons.
public enum SystemBlockReason: String, Sendable, Equatable {
    case qps
    case thread
    case rt
    case load
    case cpu
}

/// What the system check reads from the global inbound node, in one go under its lock.
public struct InboundReading: Sendable, Equatable {
    public var passQps: Double
    public var inFlight: Int64
    public var avgRt: Double
    public var maxSuccessQps: Double
    public var minRt: Double

    public init(passQps: Double = 0, inFlight: Int64 = 0, avgRt: Double = 0, maxSuccessQps: Double = 2, minRt: Double = 5000) {
        self.passQps = passQps
        self.inFlight = inFlight
        self.avgRt = avgRt
        self.maxSuccessQps = maxSuccessQps
        self.minRt = minRt
    }
}

extension NodeMetrics {
    /// The same formulas as the single reads, in one pass over the window.
    public mutating func inboundReading(at now: Int64) -> InboundReading {
        var sums = InboundSums(sampleCount: second.sampleCount)
        addInbound(at: now, into: &sums)
        return sums.reading(intervalMillis: second.intervalMillis, inFlight: inFlight)
    }

    /// Adds this value's last second to `sums`: a sharded node's shards add into one, bucket by bucket.
    mutating func addInbound(at now: Int64, into sums: inout InboundSums) {
        let windowLength = second.windowLengthMillis
        let sampleCount = Int64(second.sampleCount)
        second.forEachValid(at: now) { start, bucket in
            sums.pass += bucket.pass
            sums.rt += bucket.rt
            sums.success += bucket.success
            sums.least = min(sums.least, bucket.minRt)
            sums.addSuccess(bucket.success, slot: Int((start / windowLength) % sampleCount))
        }
    }
}

/// The inbound counters of one second, summed over a node's shards. The busiest bucket is the busiest
/// window summed over the shards (all shards' windows start at the same times), so its completions are kept
/// per slot: two slots inline (the default window), more in an array.
struct InboundSums {
    var pass: Int64 = 0
    var rt: Int64 = 0
    var success: Int64 = 0
    var least = MetricBucket.initialMinRt
    let sampleCount: Int
    private var first: Int64 = 0
    private var second: Int64 = 0
    private var more: [Int64]

    init(sampleCount: Int) {
        self.sampleCount = sampleCount
        more = sampleCount > 2 ? Array(repeating: 0, count: sampleCount - 2) : []
    }

    mutating func addSuccess(_ count: Int64, slot: Int) {
        switch slot {
        case 0: first += count
        case 1: second += count
        default: more[slot - 2] += count
        }
    }

    func reading(intervalMillis: Int64, inFlight: Int64) -> InboundReading {
        let most = max(first, second, more.max() ?? 0)
        let seconds = Double(intervalMillis) / 1000
        return InboundReading(
            passQps: Double(pass) / seconds, inFlight: inFlight,
            avgRt: success == 0 ? 0 : Double(rt) / Double(success),
            maxSuccessQps: Double(max(most, 1) * Int64(sampleCount)) / seconds,
            minRt: Double(max(1, least)))
    }
}

extension SystemThresholds {
    /// Sentinel's `SystemRuleManager.checkSystem` for an inbound call, in its order: qps, thread, rt, load
    /// (blocked only when BBR also says the system is past its capacity), cpu. Nil means pass.
    public func check(
        _ inbound: InboundReading, status: some SystemStatusProvider, acquire: Int = 1
    ) -> SystemBlockReason? {
        if let qps, inbound.passQps + Double(acquire) > qps { return .qps }
        // Strict and without the call itself, as in Sentinel.
        if let maxThread, inbound.inFlight > maxThread { return .thread }
        if let avgRt, inbound.avgRt > Double(avgRt) { return .rt }
        if let highestSystemLoad, status.currentLoad() > highestSystemLoad, !Self.bbrAllows(inbound) { return .load }
        if let highestCpuUsage, status.currentCpuUsage() > highestCpuUsage { return .cpu }
        return nil
    }

    /// BBR: calls in flight beyond what the best second's completions at the least RT could sustain mean the
    /// load is ours to shed; otherwise it is someone else's and the call passes.
    static func bbrAllows(_ inbound: InboundReading) -> Bool {
        let inFlight = Double(inbound.inFlight)
        return !(inbound.inFlight > 1 && inFlight > inbound.maxSuccessQps * inbound.minRt / 1000)
    }
}
