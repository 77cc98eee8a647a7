/// What a circuit breaker watches (Sentinel's `DegradeRule.grade`; the raw values are Sentinel's JSON ints).
public enum DegradeGrade: Int, Sendable, Hashable {
    /// Trips on the ratio of calls slower than `count` ms (Sentinel still names it `DEGRADE_GRADE_RT`).
    case slowRequestRatio = 0
    /// Trips on the ratio of failed calls.
    case errorRatio = 1
    /// Trips on the number of failed calls in the window.
    case errorCount = 2
}

/// Sentinel 1.8's `DegradeRule`: one circuit breaker on one resource. Field names and defaults are
/// Sentinel's, so its JSON maps one to one; `limitApp` is carried but, as in Sentinel, ignored by breakers.
public struct DegradeRule: Sendable, Hashable {
    public var resource: String
    public var limitApp: String
    public var grade: DegradeGrade
    /// Slow-ratio: the longest RT in ms that is not slow (rounded, as Sentinel's `Math.round`);
    /// error ratio: the ratio in [0, 1]; error count: the count.
    public var count: Double
    /// Recovery timeout in seconds (Sentinel's `timeWindow`): how long the breaker stays open.
    public var timeWindowSec: Int
    public var minRequestAmount: Int
    /// Slow-ratio only: the ratio of slow calls that trips the breaker.
    public var slowRatioThreshold: Double
    /// The breaker's single tumbling window.
    public var statIntervalMs: Int

    public init(
        resource: String,
        grade: DegradeGrade = .slowRequestRatio,
        count: Double,
        timeWindowSec: Int,
        minRequestAmount: Int = 5,
        slowRatioThreshold: Double = 1.0,
        statIntervalMs: Int = 1000,
        limitApp: String = "default"
    ) {
        self.resource = resource
        self.grade = grade
        self.count = count
        self.timeWindowSec = timeWindowSec
        self.minRequestAmount = minRequestAmount
        self.slowRatioThreshold = slowRatioThreshold
        self.statIntervalMs = statIntervalMs
        self.limitApp = limitApp
    }

    /// Why a rule is not loaded: the field at fault and Sentinel's constraint on it.
    public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
        public let field: String
        public let reason: String
        public var description: String { "\(field): \(reason)" }
    }

    /// Sentinel's `DegradeRuleManager.isValidRule`, reporting the first field it rejects.
    public func validate() throws(ValidationError) {
        func fail(_ field: String, _ reason: String) -> ValidationError { ValidationError(field: field, reason: reason) }
        if resource.allSatisfy(\.isWhitespace) { throw fail("resource", "must not be blank") }
        if !(count >= 0) { throw fail("count", "must be >= 0") }
        if timeWindowSec <= 0 { throw fail("timeWindow", "must be > 0") }
        if minRequestAmount <= 0 { throw fail("minRequestAmount", "must be > 0") }
        if statIntervalMs <= 0 { throw fail("statIntervalMs", "must be > 0") }
        switch grade {
        case .slowRequestRatio:
            if !(slowRatioThreshold >= 0 && slowRatioThreshold <= 1) {
                throw fail("slowRatioThreshold", "must be within [0, 1]")
            }
        case .errorRatio:
            if count > 1 { throw fail("count", "an error ratio must be within [0, 1]") }
        case .errorCount:
            break
        }
    }
}
