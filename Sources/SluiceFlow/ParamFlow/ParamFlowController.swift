/// Sentinel's `ParamFlowChecker` for one rule as a pure value driven by an explicit `now`: a token bucket per
/// value refilled per `durationInSec` (reject), a last-pass time per value (throttle), or a count in flight
/// per value (thread), each in an LRU of at most Sentinel's capacity so memory stays bounded whatever the
/// values. The formulas and comparisons are `passDefaultLocalCheck` and `passThrottleLocalCheck` line by line;
/// the CAS retry loops fall away because the owner serialises calls (``SharedParamFlowController``).
public struct ParamFlowController: Sendable {
    /// One value's state: the bucket's tokens and the time they were last added (reject), the last pass
    /// (throttle, in `time`), or the calls in flight (thread, in `tokens`).
    struct ValueState: Sendable {
        var tokens: Int64
        var time: Int64
    }

    public let rule: ParamFlowRule
    private let defaultThreshold: Int64
    private let thresholds: [String: Int64]
    private var values: BoundedLRUMap<ValueState>

    /// Sentinel's `ParameterMetric` capacities: 4000 values per second of duration up to 200 000 for the
    /// token and time maps; 4000 for thread counts.
    public static func capacity(of rule: ParamFlowRule) -> Int {
        rule.grade == .thread ? 4000 : min(4000 * min(max(rule.durationInSec, 1), 50), 200_000)
    }

    /// `rule` must be valid (``ParamFlowRule/validate()``).
    public init(rule: ParamFlowRule, capacity: Int? = nil) {
        self.rule = rule
        defaultThreshold = Int64(saturating: rule.count)  // Java's (long) cast truncates
        var thresholds: [String: Int64] = [:]
        for item in rule.items { thresholds[item.value] = Int64(item.count) }
        self.thresholds = thresholds
        values = BoundedLRUMap(capacity: capacity ?? Self.capacity(of: rule))
    }

    /// How many values the rule currently tracks.
    public var trackedValues: Int { values.count }

    /// Checks one call (`acquire` tokens) carrying `value`; a missing value always passes, as in Sentinel.
    /// Thread grade counts a passed call in flight until ``complete(value:)``.
    public mutating func check(value: String?, acquire: Int64 = 1, now: Int64) -> ParamFlowDecision {
        guard let value else { return .pass }
        let tokenCount = thresholds.isEmpty ? defaultThreshold : thresholds[value] ?? defaultThreshold
        switch (rule.grade, rule.behavior) {
        case (.thread, _):
            return values.withValue(for: value, make: { ValueState(tokens: 0, time: 0) }) { state, _ in
                guard state.tokens + 1 <= tokenCount else { return .block }
                state.tokens += 1
                return .pass
            }
        case (.qps, .reject):
            return checkTokens(value, tokenCount: tokenCount, acquire: acquire, now: now)
        case (.qps, .throttle):
            return checkThrottle(value, tokenCount: tokenCount, acquire: acquire, now: now)
        }
    }

    /// A thread-grade call that passed has ended (or was blocked by a later rule).
    public mutating func complete(value: String?) {
        guard rule.grade == .thread, let value else { return }
        _ = values.withExistingValue(for: value) { state in state.tokens = max(0, state.tokens - 1) }
    }

    private mutating func checkTokens(_ value: String, tokenCount: Int64, acquire: Int64, now: Int64)
        -> ParamFlowDecision
    {
        if tokenCount == 0 { return .block }
        let maxCount = tokenCount.saturatingAdding(Int64(rule.burstCount))
        if acquire > maxCount { return .block }
        let durationMs = Int64(rule.durationInSec).saturatingMultiplied(by: 1000)
        return values.withValue(for: value, make: { ValueState(tokens: maxCount - acquire, time: now) }) {
            state, isNew in
            if isNew { return .pass }
            let passTime = now - state.time
            if passTime > durationMs {
                let toAdd = passTime.saturatingMultiplied(by: tokenCount) / durationMs
                let newQps = toAdd.saturatingAdding(state.tokens) > maxCount ? maxCount - acquire : state.tokens + toAdd - acquire
                if newQps < 0 { return .block }
                state = ValueState(tokens: newQps, time: now)
                return .pass
            }
            if state.tokens - acquire >= 0 {
                state.tokens -= acquire
                return .pass
            }
            return .block
        }
    }

    private mutating func checkThrottle(_ value: String, tokenCount: Int64, acquire: Int64, now: Int64)
        -> ParamFlowDecision
    {
        if tokenCount == 0 { return .block }
        // Java's Math.round(1.0 * 1000 * acquire * duration / tokenCount): half up.
        let cost = Int64(saturating: (1000.0 * Double(acquire) * Double(rule.durationInSec) / Double(tokenCount) + 0.5)
            .rounded(.down))
        let maxQueueing = Int64(rule.maxQueueingTimeMs)
        return values.withValue(for: value, make: { ValueState(tokens: 0, time: now) }) { state, isNew in
            if isNew { return .pass }
            let expected = state.time.saturatingAdding(cost)
            guard expected <= now || expected - now < maxQueueing else { return .block }
            if expected > now {
                state.time = expected
                return .wait(millis: expected - now)
            }
            state.time = now
            return .pass
        }
    }
}
