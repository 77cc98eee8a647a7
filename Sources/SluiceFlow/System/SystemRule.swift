/// Sentinel's `SystemRule`: thresholds on all inbound traffic together. Sentinel writes -1 for "not set";
/// here a negative value (or nil) leaves the field unset.
public struct SystemRule: Sendable, Hashable {
    public var highestSystemLoad: Double?
    /// A ratio in [0, 1]; Sentinel ignores a value above 1 with a warning.
    public var highestCpuUsage: Double?
    public var qps: Double?
    public var avgRt: Int64?
    /// Entries in flight (Sentinel's "thread").
    public var maxThread: Int64?

    public init(
        highestSystemLoad: Double? = nil, highestCpuUsage: Double? = nil, qps: Double? = nil,
        avgRt: Int64? = nil, maxThread: Int64? = nil
    ) {
        self.highestSystemLoad = highestSystemLoad.flatMap { $0 >= 0 ? $0 : nil }
        self.highestCpuUsage = highestCpuUsage.flatMap { $0 >= 0 ? $0 : nil }
        self.qps = qps.flatMap { $0 >= 0 ? $0 : nil }
        self.avgRt = avgRt.flatMap { $0 >= 0 ? $0 : nil }
        self.maxThread = maxThread.flatMap { $0 >= 0 ? $0 : nil }
    }
}

/// Why a system rule sets nothing (Sentinel loads it as a no-op with a warning).
public enum SystemRuleError: Error, Sendable, Equatable {
    /// CPU usage is a ratio; Sentinel ignores a value above 1.
    case cpuUsageAboveOne(Double)
    /// No field is set (all negative or absent).
    case nothingSet
}

/// Several system rules merged as Sentinel's `SystemRuleManager` does: per field, the least threshold set.
public struct SystemThresholds: Sendable, Equatable {
    public private(set) var highestSystemLoad: Double?
    public private(set) var highestCpuUsage: Double?
    public private(set) var qps: Double?
    public private(set) var avgRt: Int64?
    public private(set) var maxThread: Int64?
    /// Reasons rules or fields were ignored, in rule order.
    public private(set) var ignored: [SystemRuleError] = []

    public init(_ rules: [SystemRule] = []) {
        for rule in rules { merge(rule) }
    }

    public var isEmpty: Bool {
        highestSystemLoad == nil && highestCpuUsage == nil && qps == nil && avgRt == nil && maxThread == nil
    }

    private mutating func merge(_ rule: SystemRule) {
        var cpu = rule.highestCpuUsage
        if let usage = cpu, usage > 1 {
            ignored.append(.cpuUsageAboveOne(usage))
            cpu = nil
        }
        if rule.highestSystemLoad == nil, cpu == nil, rule.qps == nil, rule.avgRt == nil, rule.maxThread == nil {
            ignored.append(.nothingSet)
            return
        }
        highestSystemLoad = Self.least(highestSystemLoad, rule.highestSystemLoad)
        highestCpuUsage = Self.least(highestCpuUsage, cpu)
        qps = Self.least(qps, rule.qps)
        avgRt = Self.least(avgRt, rule.avgRt)
        maxThread = Self.least(maxThread, rule.maxThread)
    }

    private static func least<T: Comparable>(_ a: T?, _ b: T?) -> T? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a, b)
    }
}
