/// What one breaker counts in its window: all completed calls, and those that count against it (slow calls
/// or errors, by the rule's grade).
public struct BreakerCounts: WindowBucket, Sendable, Equatable {
    public var total: Int64 = 0
    public var failures: Int64 = 0
    public init() {}
    public mutating func reset() { self = BreakerCounts() }
}

/// Sentinel 1.8's circuit breaker (`AbstractCircuitBreaker` with `ResponseTimeCircuitBreaker` and
/// `ExceptionCircuitBreaker`) as a pure value driven by an explicit `now`: CLOSED → OPEN → HALF_OPEN with
/// exactly one probe; the probe's success closes and resets the window, its failure re-opens. Its window is
/// one tumbling bucket of `statIntervalMs`, as Sentinel's is. The comparisons are Sentinel's: a call is slow
/// if `rt > maxAllowedRt`; ratios and counts trip on `>` (a slow ratio also on `== 1.0` when the threshold
/// is 1.0), so an error-ratio threshold of 1.0 never trips (Sentinel #2155). With ``DegradeRule/Dialect/go``
/// it is sentinel-golang's breaker instead: `>=`, a sliding window, and `probeNum` half-open successes.
///
/// Not synchronised: ``SharedCircuitBreaker`` shares one between event loops.
public struct CircuitBreaker: Sendable {
    public let rule: DegradeRule
    public private(set) var state: CircuitBreakerState = .closed
    /// When an open breaker lets the next probe through.
    public private(set) var nextRetryTimestamp: Int64 = 0
    private var window: LeapArray<BreakerCounts>
    private let maxAllowedRt: Int64
    private let threshold: Double
    private let recoveryTimeoutMs: Int64
    /// Go: trip on `>=` rather than `>`.
    private let tripsOnEqual: Bool
    /// Go: successes needed to close from half-open (0: the one probe), and those seen so far.
    private let probeNum: Int
    private var probesSucceeded = 0

    /// `rule` must be valid (``DegradeRule/validate()``).
    public init(rule: DegradeRule) {
        self.rule = rule
        let interval = max(rule.statIntervalMs, 1)
        switch rule.dialect {
        case .java:
            window = LeapArray(sampleCount: 1, intervalMillis: Int64(interval))
            // Java's Math.round: half up.
            maxAllowedRt = Int64(saturating: (rule.count + 0.5).rounded(.down))
            threshold = rule.grade == .slowRequestRatio ? rule.slowRatioThreshold : rule.count
            recoveryTimeoutMs = Int64(rule.timeWindowSec).saturatingMultiplied(by: 1000)
            tripsOnEqual = false
            probeNum = 0
        case .go(let retryTimeoutMs, let probes, let bucketCount):
            let buckets = bucketCount > 0 && interval % bucketCount == 0 ? bucketCount : 1
            window = LeapArray(sampleCount: buckets, intervalMillis: Int64(interval))
            // Go's uint64 conversions truncate.
            maxAllowedRt = Int64(saturating: rule.count)
            threshold = switch rule.grade {
            case .slowRequestRatio: rule.slowRatioThreshold
            case .errorRatio: rule.count
            case .errorCount: rule.count.rounded(.down)
            }
            recoveryTimeoutMs = Int64(retryTimeoutMs)
            tripsOnEqual = true
            probeNum = max(probes, 0)
        }
    }

    /// Sentinel's `tryPass`: closed passes; open passes one probe once `now >= nextRetryTimestamp`.
    public mutating func tryPass(now: Int64) -> CircuitBreakerAdmission {
        switch state {
        case .closed:
            return .pass
        case .open where now >= nextRetryTimestamp:
            state = .halfOpen
            return .probe
        case .halfOpen where probeNum > 0:
            return .pass  // Go: with probeNum, every call passes while half-open
        case .open, .halfOpen:
            return .blocked(retryAtMillis: nextRetryTimestamp)
        }
    }

    /// The probe was blocked by a later rule (Sentinel's `whenTerminate` hook): back to open, without moving
    /// the retry time, so the next call may probe at once.
    @discardableResult
    public mutating func probeBlocked() -> CircuitBreakerTransition? {
        guard state == .halfOpen else { return nil }
        state = .open
        return CircuitBreakerTransition(from: .halfOpen, to: .open, snapshot: 1.0)
    }

    /// A call this breaker passed has ended (Sentinel's `onRequestComplete`; never for blocked calls).
    /// `rtMillis` is completion time minus entry time; `error` whether it counts as a failure.
    @discardableResult
    public mutating func onComplete(rtMillis: Int64, error: Bool, now: Int64) -> CircuitBreakerTransition? {
        let failed = rule.grade == .slowRequestRatio ? rtMillis > maxAllowedRt : error
        window.withBucket(at: now) { bucket in
            bucket.total += 1
            if failed { bucket.failures += 1 }
        }
        switch state {
        case .open:
            return nil
        case .halfOpen:
            if failed {
                probesSucceeded = 0
                return open(from: .halfOpen, snapshot: 1.0, now: now)
            }
            probesSucceeded += 1
            if probesSucceeded < probeNum { return nil }
            probesSucceeded = 0
            state = .closed
            // Java resets the current bucket (its only one); Go resets them all.
            window = LeapArray(sampleCount: window.sampleCount, intervalMillis: window.intervalMillis)
            return CircuitBreakerTransition(from: .halfOpen, to: .closed, snapshot: nil)
        case .closed:
            var total: Int64 = 0
            var failures: Int64 = 0
            window.forEachValid(at: now) { _, bucket in
                total += bucket.total
                failures += bucket.failures
            }
            if total < Int64(rule.minRequestAmount) { return nil }
            let current = rule.grade == .errorCount ? Double(failures) : Double(failures) / Double(total)
            let trips = current > threshold || (tripsOnEqual && current == threshold)
                || (rule.grade == .slowRequestRatio && current == threshold && threshold == 1.0)
            return trips ? open(from: .closed, snapshot: current, now: now) : nil
        }
    }

    private mutating func open(from: CircuitBreakerState, snapshot: Double, now: Int64) -> CircuitBreakerTransition {
        state = .open
        nextRetryTimestamp = now.saturatingAdding(recoveryTimeoutMs)
        return CircuitBreakerTransition(from: from, to: .open, snapshot: snapshot)
    }
}
