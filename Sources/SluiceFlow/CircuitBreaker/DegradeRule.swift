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
    /// The breaker's window: one tumbling bucket in Java, `bucketCount` sliding buckets in Go.
    public var statIntervalMs: Int
    public var dialect: Dialect

    /// Whose breaker this is. sentinel-golang's differs from Java's 1.8 (reference §2.6): it trips on `>=`,
    /// counts its recovery in ms, may slide its window over several buckets, needs no minimum of requests by
    /// default, and with `probeNum > 0` lets every call through while half-open until `probeNum` succeeded.
    public enum Dialect: Sendable, Hashable {
        case java
        /// `statSlidingWindowBucketCount` that does not divide `statIntervalMs` (or 0) means 1, as in Go.
        case go(retryTimeoutMs: Int, probeNum: Int = 0, bucketCount: Int = 1)
    }

    public init(
        resource: String,
        grade: DegradeGrade = .slowRequestRatio,
        count: Double,
        timeWindowSec: Int,
        minRequestAmount: Int = 5,
        slowRatioThreshold: Double = 1.0,
        statIntervalMs: Int = 1000,
        limitApp: String = "default",
        dialect: Dialect = .java
    ) {
        self.resource = resource
        self.grade = grade
        self.count = count
        self.timeWindowSec = timeWindowSec
        self.minRequestAmount = minRequestAmount
        self.slowRatioThreshold = slowRatioThreshold
        self.statIntervalMs = statIntervalMs
        self.limitApp = limitApp
        self.dialect = dialect
    }

    public typealias ValidationError = RuleValidationError

    /// Sentinel's `DegradeRuleManager.isValidRule` (Go: `circuitbreaker.IsValidRule`), reporting the first
    /// field it rejects.
    public func validate() throws(ValidationError) {
        func fail(_ field: String, _ reason: String) -> ValidationError { ValidationError(field: field, reason: reason) }
        if resource.allSatisfy(\.isWhitespace) { throw fail("resource", "must not be blank") }
        if !(count >= 0) { throw fail("count", "must be >= 0") }
        switch dialect {
        case .java:
            if timeWindowSec <= 0 { throw fail("timeWindow", "must be > 0") }
            if minRequestAmount <= 0 { throw fail("minRequestAmount", "must be > 0") }
        case .go(let retryTimeoutMs, let probeNum, let bucketCount):
            if retryTimeoutMs <= 0 { throw fail("retryTimeoutMs", "must be > 0") }
            if minRequestAmount < 0 { throw fail("minRequestAmount", "must be >= 0") }
            if probeNum < 0 { throw fail("probeNum", "must be >= 0") }
            if bucketCount < 0 { throw fail("statSlidingWindowBucketCount", "must be >= 0") }
        }
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
