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
        var pass: Int64 = 0
        var rt: Int64 = 0
        var success: Int64 = 0
        var most: Int64 = 0
        var least = MetricBucket.initialMinRt
        forEachSecond(at: now) { _, bucket in
            pass += bucket.pass
            rt += bucket.rt
            success += bucket.success
            most = max(most, bucket.success)
            least = min(least, bucket.minRt)
        }
        let seconds = Double(second.intervalMillis) / 1000
        return InboundReading(
            passQps: Double(pass) / seconds, inFlight: inFlight,
            avgRt: success == 0 ? 0 : Double(rt) / Double(success),
            maxSuccessQps: Double(max(most, 1) * Int64(second.sampleCount)) / seconds,
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
