import Testing
@testable import SluiceFlow

/// sentinel-golang's `core/circuitbreaker/circuit_breaker_test.go` vectors (reference §7.2) and the Java/Go
/// differences of §2.6, with an explicit clock.
@Suite("CircuitBreaker (Go dialect)")
struct CircuitBreakerGoTests {
    static func rule(_ grade: DegradeGrade, probeNum: Int = 0, minRequests: Int = 10) -> DegradeRule {
        let count: Double = switch grade {
        case .slowRequestRatio: 50
        case .errorRatio: 0.5
        case .errorCount: 1.0
        }
        return DegradeRule(resource: "r", grade: grade, count: count, timeWindowSec: 0, minRequestAmount: minRequests,
                           slowRatioThreshold: 0.5, statIntervalMs: 10_000,
                           dialect: .go(retryTimeoutMs: 3000, probeNum: probeNum))
    }

    /// A breaker driven open by errors at `now` 0.
    static func opened(_ rule: DegradeRule) -> CircuitBreaker {
        var breaker = CircuitBreaker(rule: rule)
        for _ in 0..<max(rule.minRequestAmount, 1) {
            _ = breaker.tryPass(now: 0)
            breaker.onComplete(rtMillis: 100, error: true, now: 0)
        }
        return breaker
    }

    @Test("TryPass_Closed; TryPass_Probe: from open after retryTimeoutMs the call probes and the breaker half-opens")
    func probe() {
        var breaker = CircuitBreaker(rule: Self.rule(.errorRatio))
        #expect(breaker.tryPass(now: 0) == .pass)
        breaker = Self.opened(Self.rule(.errorRatio))
        #expect(breaker.state == .open)
        #expect(breaker.tryPass(now: 2999) == .blocked(retryAtMillis: 3000))
        #expect(breaker.tryPass(now: 3000) == .probe)
        #expect(breaker.state == .halfOpen)
        #expect(breaker.tryPass(now: 3000) == .blocked(retryAtMillis: 3000))  // probeNum 0: one call only
    }

    @Test("TryPass_ProbeNum: with probeNum 10 every call passes half-open; the 10th success closes")
    func probeNum() {
        var breaker = Self.opened(Self.rule(.slowRequestRatio, probeNum: 10))
        #expect(breaker.tryPass(now: 3000) == .probe)
        breaker.onComplete(rtMillis: 1, error: false, now: 3000)
        for round in 2...10 {
            #expect(breaker.state == .halfOpen, "round \(round)")
            #expect(breaker.tryPass(now: 3000).passed)
            breaker.onComplete(rtMillis: 1, error: false, now: 3000)
        }
        #expect(breaker.state == .closed)
    }

    @Test("OnRequestComplete: below minRequestAmount stays closed; half-open failure re-opens, success closes")
    func completion() {
        var breaker = CircuitBreaker(rule: Self.rule(.errorCount))
        for _ in 0..<9 { breaker.onComplete(rtMillis: 1, error: true, now: 0) }
        #expect(breaker.state == .closed)
        breaker = Self.opened(Self.rule(.errorCount, probeNum: 2))
        _ = breaker.tryPass(now: 3000)
        breaker.onComplete(rtMillis: 1, error: false, now: 3000)
        #expect(breaker.state == .halfOpen)  // one success of two
        breaker.onComplete(rtMillis: 1, error: true, now: 3001)
        #expect(breaker.state == .open && breaker.nextRetryTimestamp == 6001)
        _ = breaker.tryPass(now: 6001)
        breaker.onComplete(rtMillis: 1, error: false, now: 6001)
        #expect(breaker.state == .halfOpen)  // the probe count started again
        breaker.onComplete(rtMillis: 1, error: false, now: 6001)
        #expect(breaker.state == .closed)
    }

    @Test("Go trips on >=: an error count of 1 at threshold 1.0, an error ratio of exactly 0.5; Java does not")
    func comparisons() {
        var go = CircuitBreaker(rule: Self.rule(.errorCount, minRequests: 0))
        go.onComplete(rtMillis: 1, error: true, now: 0)
        #expect(go.state == .open)
        var java = CircuitBreaker(rule: DegradeRule(resource: "r", grade: .errorCount, count: 1, timeWindowSec: 3,
                                                    minRequestAmount: 1))
        java.onComplete(rtMillis: 1, error: true, now: 0)
        #expect(java.state == .closed)
        var ratio = CircuitBreaker(rule: Self.rule(.errorRatio, minRequests: 2))
        ratio.onComplete(rtMillis: 1, error: false, now: 0)
        ratio.onComplete(rtMillis: 1, error: true, now: 0)
        #expect(ratio.state == .open)
    }

    @Test("Go's window slides over its buckets; a bucket count that does not divide the interval means 1")
    func slidingWindow() {
        let rule = DegradeRule(resource: "r", grade: .errorCount, count: 2, timeWindowSec: 0, minRequestAmount: 0,
                               statIntervalMs: 1000, dialect: .go(retryTimeoutMs: 1000, bucketCount: 2))
        var breaker = CircuitBreaker(rule: rule)
        breaker.onComplete(rtMillis: 1, error: true, now: 0)
        breaker.onComplete(rtMillis: 1, error: true, now: 600)  // two errors within the last second
        #expect(breaker.state == .open)
        var tumbling = CircuitBreaker(rule: DegradeRule(
            resource: "r", grade: .errorCount, count: 2, timeWindowSec: 0, minRequestAmount: 0, statIntervalMs: 1000,
            dialect: .go(retryTimeoutMs: 1000, bucketCount: 3)))
        tumbling.onComplete(rtMillis: 1, error: true, now: 900)
        tumbling.onComplete(rtMillis: 1, error: true, now: 1100)  // a new 1 s window: one error only
        #expect(tumbling.state == .closed)
    }

    @Test("Go validation: retryTimeoutMs > 0, minRequestAmount may be 0")
    func validation() {
        func field(_ rule: DegradeRule) -> String? {
            do { try rule.validate(); return nil } catch { return error.field }
        }
        #expect(field(Self.rule(.errorRatio, minRequests: 0)) == nil)
        var bad = Self.rule(.errorRatio)
        bad.dialect = .go(retryTimeoutMs: 0)
        #expect(field(bad) == "retryTimeoutMs")
        bad = Self.rule(.errorRatio)
        bad.count = 1.5
        #expect(field(bad) == "count")
    }
}
