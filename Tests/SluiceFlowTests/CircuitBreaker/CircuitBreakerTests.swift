import Testing
@testable import SluiceFlow

/// Sentinel's circuit-breaker vectors (reference §7.2), replayed with an explicit clock. A call enters at
/// `now`, takes `rt` ms (the clock moves only if it passed, as `entryAndSleepFor` does) and completes.
@Suite("CircuitBreaker")
struct CircuitBreakerTests {
    final class Driver {
        var breaker: CircuitBreaker
        var now: Int64
        var transitions: [CircuitBreakerTransition] = []

        init(_ rule: DegradeRule, now: Int64 = 1_000_000) {
            breaker = CircuitBreaker(rule: rule)
            self.now = now
        }

        func call(rt: Int64 = 0, error: Bool = false) -> Bool {
            let admission = breaker.tryPass(now: now)
            guard admission.passed else { return false }
            if admission == .probe { transitions.append(.init(from: .open, to: .halfOpen, snapshot: nil)) }
            now += rt
            if let change = breaker.onComplete(rtMillis: rt, error: error, now: now) { transitions.append(change) }
            return true
        }

        func advance(_ ms: Int64) { now += ms }
    }

    @Test("ExceptionCircuitBreakerTest.testRecordErrorOrSuccess: ratio 0.2, min 1, 20 s window, 10 s recovery")
    func exceptionRatioRecord() {
        let d = Driver(DegradeRule(resource: "r", grade: .errorRatio, count: 0.2, timeWindowSec: 10,
                                   minRequestAmount: 1, statIntervalMs: 20_000))
        #expect(d.call())
        #expect(d.call(error: true))  // 1/2 = 0.5 > 0.2
        #expect(d.breaker.state == .open)
        #expect(!d.call(error: true))
        #expect(!d.call())
        d.advance(5_000)
        #expect(!d.call())
        d.advance(5_000)
        #expect(d.call(error: true))  // the probe fails
        #expect(d.breaker.state == .open)
        #expect(!d.call() && !d.call())
        d.advance(10_000)
        #expect(d.call())  // the probe succeeds and resets the window
        #expect(d.breaker.state == .closed)
        for _ in 0..<6 { #expect(d.call()) }
        #expect(d.call(error: true))  // 1/7 < 0.2
        #expect(d.call())
        #expect(d.breaker.state == .closed)
    }

    @Test("ResponseTimeCircuitBreakerTest.testMaxSlowRatioThreshold: ratio == 1.0 trips when the threshold is 1.0")
    func slowRatioOne() {
        let d = Driver(DegradeRule(resource: "r", count: 10, timeWindowSec: 5, minRequestAmount: 3,
                                   slowRatioThreshold: 1.0, statIntervalMs: 5000))
        #expect(d.call(rt: 20) && d.call(rt: 20))
        #expect(d.breaker.state == .closed)
        #expect(d.call(rt: 20))
        #expect(d.breaker.state == .open)
        #expect(!d.call(rt: 20))
        d.advance(1000)
        #expect(!d.call(rt: 20))
        d.advance(4000)
        #expect(d.call(rt: 20))
    }

    @Test("CircuitBreakingIntegrationTest.testSlowRequestMode: 13/16 trips, 12/15 = 0.8 does not")
    func slowRequestMode() {
        let d = Driver(DegradeRule(resource: "r", count: 50, timeWindowSec: 5, minRequestAmount: 10,
                                   slowRatioThreshold: 0.8, statIntervalMs: 20_000))
        for _ in 0..<7 { #expect(d.call(rt: 60)) }
        for _ in 0..<3 { #expect(d.call(rt: 10)) }
        #expect(d.breaker.state == .closed)
        for _ in 0..<5 { #expect(d.call(rt: 60)) }
        #expect(d.breaker.state == .closed)  // 12/15 = 0.8 is not > 0.8
        #expect(d.call(rt: 60))  // 13/16
        #expect(d.breaker.state == .open)
        #expect(d.transitions == [.init(from: .closed, to: .open, snapshot: 13.0 / 16.0)])
        #expect(!d.call(rt: 10))
        d.advance(1000)
        #expect(!d.call(rt: 10))
        d.advance(5000)
        d.transitions = []
        #expect(d.call(rt: 60))  // a slow probe
        #expect(d.transitions == [.init(from: .open, to: .halfOpen, snapshot: nil),
                                  .init(from: .halfOpen, to: .open, snapshot: 1.0)])
        d.advance(6000)
        d.transitions = []
        #expect(d.call(rt: 10))
        #expect(d.transitions == [.init(from: .open, to: .halfOpen, snapshot: nil),
                                  .init(from: .halfOpen, to: .closed, snapshot: nil)])
        for _ in 0..<5 { #expect(d.call(rt: 60)) }
    }

    @Test("CircuitBreakingIntegrationTest.testExceptionRatioMode: 7/10 > 0.5 trips at the 10th call")
    func exceptionRatioMode() {
        let d = Driver(DegradeRule(resource: "r", grade: .errorRatio, count: 0.5, timeWindowSec: 5,
                                   minRequestAmount: 10, statIntervalMs: 25_000))
        for _ in 0..<6 { #expect(d.call(rt: 5, error: true)) }
        for _ in 0..<3 { #expect(d.call(rt: 5)) }
        #expect(d.breaker.state == .closed)  // 9 < minRequestAmount
        #expect(d.call(rt: 5, error: true))
        #expect(d.breaker.state == .open)
        #expect(!d.call())
        d.advance(2000)
        #expect(!d.call())
        d.advance(3000)
        #expect(d.call(rt: 5, error: true))
        #expect(d.breaker.state == .open)
        d.advance(6000)
        #expect(d.call(rt: 5))
        #expect(d.breaker.state == .closed)
        #expect(d.call(rt: 5, error: true))
    }

    @Test("error count trips on count > threshold (strict); an error ratio of 1.0 never trips (#2155)")
    func strictComparisons() {
        let count = Driver(DegradeRule(resource: "r", grade: .errorCount, count: 2, timeWindowSec: 1,
                                       minRequestAmount: 1))
        #expect(count.call(error: true) && count.call(error: true))
        #expect(count.breaker.state == .closed)
        #expect(count.call(error: true))
        #expect(count.breaker.state == .open)
        let ratio = Driver(DegradeRule(resource: "r", grade: .errorRatio, count: 1.0, timeWindowSec: 1,
                                       minRequestAmount: 1))
        for _ in 0..<20 { #expect(ratio.call(error: true)) }
        #expect(ratio.breaker.state == .closed)
    }

    @Test("half-open lets exactly one probe through; the retry time is now + recovery; Retry-After source")
    func singleProbe() {
        var b = CircuitBreaker(rule: DegradeRule(resource: "r", grade: .errorCount, count: 0, timeWindowSec: 3,
                                                 minRequestAmount: 1))
        #expect(b.tryPass(now: 100) == .pass)
        b.onComplete(rtMillis: 1, error: true, now: 100)
        #expect(b.tryPass(now: 3099) == .blocked(retryAtMillis: 3100))
        #expect(b.tryPass(now: 3100) == .probe)
        #expect(b.tryPass(now: 3100) == .blocked(retryAtMillis: 3100))
        #expect(b.probeBlocked() == .init(from: .halfOpen, to: .open, snapshot: 1.0))
        #expect(b.tryPass(now: 3101) == .probe)  // the retry time did not move
    }

    @Test("testMultipleHalfOpenedBreakers: a probe blocked by a later breaker goes back to open")
    func multipleHalfOpen() {
        let rules = [2, 4].map {
            DegradeRule(resource: "r", count: 50, timeWindowSec: $0, minRequestAmount: 1, slowRatioThreshold: 0.5)
        }
        let breakers = rules.map(SharedCircuitBreaker.init)
        var now: Int64 = 1_000_000
        #expect(breakers.tryPass(now: now).admission == .pass)
        now += 100
        breakers.onComplete(rtMillis: 100, error: false, now: now)
        #expect(breakers.allSatisfy { $0.state == .open })
        now += 3000
        for _ in 0..<10 { #expect(!breakers.tryPass(now: now).admission.passed) }
        #expect(breakers.allSatisfy { $0.state == .open })
        now += 3000
        for _ in 0..<10 {
            let (admission, _, _) = breakers.tryPass(now: now)
            #expect(admission.passed)
            breakers.onComplete(rtMillis: 1, error: false, now: now)
        }
        #expect(breakers.allSatisfy { $0.state == .closed })
    }

    @Test("a shared breaker lets exactly one of many concurrent callers probe")
    func concurrentSingleProbe() async {
        let breaker = SharedCircuitBreaker(rule: DegradeRule(resource: "r", grade: .errorCount, count: 0,
                                                             timeWindowSec: 1, minRequestAmount: 1))
        _ = breaker.tryPass(now: 0)
        breaker.onComplete(rtMillis: 1, error: true, now: 0)
        let probes = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<64 { group.addTask { breaker.tryPass(now: 1000) == .probe ? 1 : 0 } }
            return await group.reduce(0, +)
        }
        #expect(probes == 1)
        #expect(breaker.state == .halfOpen)
    }

    @Test("DegradeRuleManagerTest.testIsValidRule")
    func validation() {
        func field(_ rule: DegradeRule) -> String? {
            do { try rule.validate(); return nil } catch { return error.field }
        }
        let base = DegradeRule(resource: "abc", count: 10, timeWindowSec: 3)
        #expect(field(base) == nil)
        var r = base; r.timeWindowSec = 0
        #expect(field(r) == "timeWindow")
        r = base; r.timeWindowSec = -1
        #expect(field(r) == "timeWindow")
        r = base; r.grade = .errorRatio; r.count = 1.1
        #expect(field(r) == "count")
        r.count = 1.0
        #expect(field(r) == nil)
        r.count = 0.0
        #expect(field(r) == nil)
        r = base; r.count = -3
        #expect(field(r) == "count")
        r = base; r.slowRatioThreshold = 15
        #expect(field(r) == "slowRatioThreshold")
        r = base; r.minRequestAmount = 0
        #expect(field(r) == "minRequestAmount")
        r = base; r.statIntervalMs = 0
        #expect(field(r) == "statIntervalMs")
        r = base; r.resource = "  "
        #expect(field(r) == "resource")
    }
}
