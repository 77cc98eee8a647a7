import Testing
@testable import SluiceFlow

/// Sentinel's hot-parameter vectors (reference §7.4) with an explicit clock.
@Suite("ParamFlowController")
struct ParamFlowControllerTests {
    /// Checks `value` `n` times at `now`, returning how many passed.
    static func passes(_ c: inout ParamFlowController, _ n: Int, of value: String = "v", at now: Int64) -> Int {
        (0..<n).reduce(0) { sum, _ in sum + (c.check(value: value, now: now).passed ? 1 : 0) }
    }

    @Test("testParamFlowDefaultCheckSingleQps: count 5 → 5 pass, then block; after 3 s the same")
    func singleQps() {
        var c = ParamFlowController(rule: ParamFlowRule(resource: "r", paramIdx: 0, count: 5))
        var now: Int64 = 1_000_000
        #expect(Self.passes(&c, 6, at: now) == 5)
        now += 3000
        #expect(Self.passes(&c, 6, at: now) == 5)
    }

    @Test("…SingleQpsWithBurst: count 5, burst 3 → 8; +1002 ms 5; +1002 ms 5; +2000 ms 8 (capped); +1002 ms 5")
    func burst() {
        var c = ParamFlowController(rule: ParamFlowRule(resource: "r", paramIdx: 0, count: 5, burstCount: 3))
        var now: Int64 = 1_000_000
        #expect(Self.passes(&c, 9, at: now) == 8)
        for (step, expected) in [(1002, 5), (1002, 5), (2000, 8), (1002, 5)] {
            now += Int64(step)
            #expect(Self.passes(&c, expected + 1, at: now) == expected)
        }
    }

    @Test("…QpsInDifferentDuration: count 5 per 60 s; no refill within 60 s of the last add; 5 at +71 s")
    func longDuration() {
        var c = ParamFlowController(rule: ParamFlowRule(resource: "r", paramIdx: 0, count: 5, durationInSec: 60))
        let start: Int64 = 1_000_000
        #expect(Self.passes(&c, 6, at: start) == 5)
        for offset in [1_000, 11_000, 41_000] as [Int64] { #expect(Self.passes(&c, 1, at: start + offset) == 0) }
        #expect(Self.passes(&c, 6, at: start + 71_000) == 5)
    }

    @Test("…CheckQpsWithLongIntervalAndHighThreshold: count 25000 passes after 24 h and 48 h more")
    func longInterval() {
        var c = ParamFlowController(rule: ParamFlowRule(resource: "r", paramIdx: 0, count: 25_000))
        var now: Int64 = 1_000_000
        #expect(c.check(value: "v", now: now) == .pass)
        now += 24 * 3_600_000
        #expect(c.check(value: "v", now: now) == .pass)
        now += 48 * 3_600_000
        #expect(c.check(value: "v", now: now) == .pass)
    }

    @Test("values are independent; a missing value passes; a 0 exception blocks; exceptions raise a value's limit")
    func valuesAndExceptions() {
        let rule = ParamFlowRule(resource: "r", paramIdx: 0, count: 2,
                                 items: [ParamFlowItem(value: "B", count: 0), ParamFlowItem(value: "vip", count: 4)])
        var c = ParamFlowController(rule: rule)
        #expect(Self.passes(&c, 3, of: "A", at: 0) == 2)
        #expect(Self.passes(&c, 3, of: "C", at: 0) == 2)
        #expect(Self.passes(&c, 1, of: "B", at: 0) == 0)
        #expect(Self.passes(&c, 5, of: "vip", at: 0) == 4)
        #expect(c.check(value: nil, now: 0) == .pass)
    }

    @Test("ParamFlowThrottleRateLimitingCheckerTest: count 5 throttled, queue 0 → one pass per 200 ms")
    func throttleNoQueue() {
        var c = ParamFlowController(rule: ParamFlowRule(resource: "r", paramIdx: 0, count: 5, behavior: .throttle))
        var passed = 0
        for now in stride(from: Int64(1_000_000), to: 1_001_000, by: 1) where c.check(value: "v", now: now).passed {
            passed += 1
        }
        #expect(passed == 5)
        #expect(Self.passes(&c, 40, at: 2_000_000) == 1)
    }

    @Test("throttle with a queue: a call waits for its slot when it is less than maxQueueingTimeMs away (strict)")
    func throttleQueue() {
        var c = ParamFlowController(rule: ParamFlowRule(resource: "r", paramIdx: 0, count: 5, behavior: .throttle,
                                                        maxQueueingTimeMs: 400))
        #expect(c.check(value: "v", now: 0) == .pass)
        #expect(c.check(value: "v", now: 0) == .wait(millis: 200))
        #expect(c.check(value: "v", now: 0) == .block)  // 400 is not < 400
        #expect(c.check(value: "v", now: 1) == .wait(millis: 399))
    }

    @Test("ParamFlowCheckerTest thread grade: global 5, B 3, D 7")
    func threadGrade() {
        let rule = ParamFlowRule(resource: "r", paramIdx: 0, grade: .thread, count: 5,
                                 items: [ParamFlowItem(value: "B", count: 3), ParamFlowItem(value: "D", count: 7)])
        var c = ParamFlowController(rule: rule)
        func fill(_ value: String, _ n: Int) { for _ in 0..<n { _ = c.check(value: value, now: 0) } }
        fill("A", 4); fill("B", 4); fill("C", 4); fill("D", 6)  // B holds 3 in flight: its 4th was blocked
        #expect(c.check(value: "A", now: 0) == .pass)
        #expect(c.check(value: "B", now: 0) == .block)
        #expect(c.check(value: "C", now: 0) == .pass)
        #expect(c.check(value: "D", now: 0) == .pass)
        #expect(c.check(value: "A", now: 0) == .block)
        c.complete(value: "A")
        #expect(c.check(value: "A", now: 0) == .pass)
    }

    @Test("memory stays bounded: a million distinct values leave at most the rule's capacity (4000 × duration)")
    func boundedValues() {
        var c = ParamFlowController(rule: ParamFlowRule(resource: "r", paramIdx: 0, count: 1))
        #expect(ParamFlowController.capacity(of: c.rule) == 4000)
        for i in 0..<1_000_000 { _ = c.check(value: String(i), now: 0) }
        #expect(c.trackedValues == 4000)
        // The most recent values are still limited; the oldest were forgotten and start afresh.
        #expect(c.check(value: "999999", now: 0) == .block)
        #expect(c.check(value: "0", now: 0) == .pass)
        let big = ParamFlowRule(resource: "r", paramIdx: 0, count: 1, durationInSec: 3600)
        #expect(ParamFlowController.capacity(of: big) == 200_000)
    }

    @Test("numbers from rule files saturate instead of trapping")
    func hugeNumbers() {
        var c = ParamFlowController(rule: ParamFlowRule(resource: "r", paramIdx: 0, count: .infinity,
                                                        burstCount: .max, durationInSec: .max))
        #expect(c.check(value: "v", now: 0) == .pass)
        #expect(c.check(value: "v", now: .max) == .pass)
        var t = ParamFlowController(rule: ParamFlowRule(resource: "r", paramIdx: 0, count: 1, behavior: .throttle,
                                                        maxQueueingTimeMs: .max, durationInSec: .max))
        #expect(t.check(value: "v", now: 0) == .pass)
        #expect(t.check(value: "v", now: 1) != .pass)  // its slot is ages away
        var b = CircuitBreaker(rule: DegradeRule(resource: "r", count: 1e300, timeWindowSec: .max, minRequestAmount: 1))
        #expect(b.tryPass(now: 0) == .pass)
        b.onComplete(rtMillis: .max, error: true, now: 0)
        #expect(ParamFlowRule.realParamIdx(.min, argumentCount: 3) == .max)
    }

    @Test("the LRU keeps recently used values and evicts the least recently used")
    func lruOrder() {
        var map = BoundedLRUMap<Int>(capacity: 2)
        map.withValue(for: "a", make: { 1 }) { _, _ in }
        map.withValue(for: "b", make: { 2 }) { _, _ in }
        _ = map.withExistingValue(for: "a") { $0 }
        map.withValue(for: "c", make: { 3 }) { _, _ in }
        #expect(map.withExistingValue(for: "b") { $0 } == nil)
        #expect(map.withExistingValue(for: "a") { $0 } == 1)
        #expect(map.withExistingValue(for: "c") { $0 } == 3)
        #expect(map.count == 2)
    }

    @Test("a shared rule admits exactly count calls of one value across threads")
    func shared() async {
        let shared = SharedParamFlowController(rule: ParamFlowRule(resource: "r", paramIdx: 0, count: 5,
                                                                   durationInSec: 3))
        let passed = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<40 { group.addTask { shared.check(value: "v", now: 0).passed ? 1 : 0 } }
            return await group.reduce(0, +)
        }
        #expect(passed == 5)
    }
}

@Suite("ParamFlowRule")
struct ParamFlowRuleTests {
    func field(_ rule: ParamFlowRule) -> String? {
        do { try rule.validate(); return nil } catch { return error.field }
    }

    @Test("ParamFlowRuleUtilTest: blank resource, count -1, no paramIdx are invalid; paramIdx -1 is valid")
    func validation() {
        #expect(field(ParamFlowRule(resource: "r", paramIdx: 0, count: 1)) == nil)
        #expect(field(ParamFlowRule(resource: " ", paramIdx: 0, count: 1)) == "resource")
        #expect(field(ParamFlowRule(resource: "r", paramIdx: 0, count: -1)) == "count")
        #expect(field(ParamFlowRule(resource: "r", count: 1)) == "paramIdx")
        #expect(field(ParamFlowRule(resource: "r", paramIdx: -1, count: 1)) == nil)
        #expect(field(ParamFlowRule(resource: "r", paramIdx: 0, count: 1, durationInSec: 0)) == "durationInSec")
        #expect(field(ParamFlowRule(resource: "r", paramIdx: 0, count: 1, burstCount: -1)) == "burstCount")
    }

    @Test("ParamFlowSlotTest.testNegativeParamIdx: -1 of 3 → 2; -100 → 100; 0 → 0")
    func negativeIndex() {
        #expect(ParamFlowRule.realParamIdx(-1, argumentCount: 3) == 2)
        #expect(ParamFlowRule.realParamIdx(-100, argumentCount: 3) == 100)
        #expect(ParamFlowRule.realParamIdx(0, argumentCount: 3) == 0)
        #expect(ParamFlowRule.realParamIdx(-3, argumentCount: 3) == 0)
    }

    @Test("item parsing: blank classType keeps a String; unparseable values, null or negative counts are dropped")
    func items() {
        #expect(ParamFlowItem(object: "abc", count: 3, classType: nil) == ParamFlowItem(value: "abc", count: 3))
        #expect(ParamFlowItem(object: "007", count: 3, classType: "int") == ParamFlowItem(value: "7", count: 3))
        #expect(ParamFlowItem(object: "x", count: 3, classType: "int") == nil)
        #expect(ParamFlowItem(object: "a", count: nil, classType: "") == nil)
        #expect(ParamFlowItem(object: "a", count: -1, classType: "") == nil)
        #expect(ParamFlowBehavior(sentinelValue: 1) == .reject && ParamFlowBehavior(sentinelValue: 2) == .throttle)
    }
}
