import Testing
@testable import SluiceFlow

/// Sentinel's controller tests (reference §7.1) with the clock passed in, plus the warm-up tables of §1.4.
@Suite("Flow controllers")
struct FlowControllerTests {
    @Test("default controller: QPS 9 passes and 10 blocks at count 10; threads 7 pass and 8 block at count 8")
    func defaultController() {
        let qps = DefaultController(count: 10, grade: .qps)
        #expect(qps.check(NodeReading(passQps: 9)) == .pass)
        #expect(qps.check(NodeReading(passQps: 10)) == .block)
        #expect(qps.check(NodeReading(passQps: 9.9)) == .pass)  // truncated, as Java's (int) cast
        let threads = DefaultController(count: 8, grade: .concurrency)
        #expect(threads.check(NodeReading(inFlight: 7)) == .pass)
        #expect(threads.check(NodeReading(inFlight: 8)) == .block)
    }

    @Test("warm-up construction: warning and max tokens and slope of the reference table")
    func warmUpTable() {
        let ten = WarmUpController(count: 10, warmUpPeriodSec: 10, coldFactor: 3)
        #expect(ten.warningToken == 50 && ten.maxToken == 100 && abs(ten.slope - 0.004) < 1e-12)
        let twenty = WarmUpController(count: 20, warmUpPeriodSec: 10, coldFactor: 3)
        #expect(twenty.warningToken == 100 && twenty.maxToken == 200 && abs(twenty.slope - 0.001) < 1e-12)
        var hundred = WarmUpController(count: 100, warmUpPeriodSec: 10, coldFactor: 3)
        #expect(hundred.warningToken == 500 && hundred.maxToken == 1000 && abs(hundred.slope - 4e-5) < 1e-15)
        // Limits by stored tokens: the first sync fills the bucket, each previous-second pass spends one.
        for (previous, limit) in [(0, 33.33), (100, 38.46), (250, 50.0), (400, 71.43), (500, 100.0)] {
            var controller = hundred
            controller.syncToken(previousQps: Int64(previous), now: 1_700_000_000_000)
            #expect(abs(controller.currentLimit - limit) < 0.01, "previous \(previous)")
        }
        hundred.syncToken(previousQps: 0, now: 1_700_000_000_000)
        #expect(hundred.storedTokens == 1000)
    }

    @Test("WarmUpControllerTest.testWarmUp")
    func warmUp() {
        var controller = WarmUpController(count: 10, warmUpPeriodSec: 10, coldFactor: 3)
        var now: Int64 = 1_700_000_000_000
        // (1) cold: the bucket fills to 100 and the previous second's 1 pass spends one: limit about 3.378.
        #expect(controller.check(NodeReading(passQps: 8, previousPassQps: 1), now: now) == .block)
        #expect(controller.storedTokens == 99)
        #expect(abs(controller.currentLimit - 3.378) < 0.001)
        // (2)
        #expect(controller.check(NodeReading(passQps: 1, previousPassQps: 1), now: now) == .pass)
        // (3) ten seconds at 10 QPS drain the bucket below the warning line, where it refills and is spent.
        for _ in 0..<100 {
            now += 100
            _ = controller.check(NodeReading(passQps: 0, previousPassQps: 10), now: now)
        }
        #expect(controller.storedTokens == 49)
        // (4) below the warning line the limit is count.
        #expect(controller.check(NodeReading(passQps: 8, previousPassQps: 10), now: now) == .pass)
        // (5)
        #expect(controller.check(NodeReading(passQps: 10, previousPassQps: 10), now: now) == .block)
    }

    @Test("ThrottlingControllerTest: 10 QPS paced 100 ms apart; queue 500 ms takes 6 of 10 simultaneous calls")
    func throttling() {
        var sequential = ThrottlingController(maxQueueingTimeMs: 500, count: 10)
        var now: Int64 = 1_000_000
        var total: Int64 = 0
        for _ in 0..<6 {
            switch sequential.check(now: now) {
            case .pass: break
            case .wait(let ms): total += ms; now += ms
            case .block: Issue.record("blocked")
            }
        }
        #expect(total == 500)

        var simultaneous = ThrottlingController(maxQueueingTimeMs: 500, count: 10)
        let decisions = (0..<10).map { _ in simultaneous.check(now: 2_000_000) }
        #expect(decisions == [.pass, .wait(100), .wait(200), .wait(300), .wait(400), .wait(500),
                              .block, .block, .block, .block])
        // No burst credit after idleness: the next call is scheduled from now.
        #expect(simultaneous.check(now: 3_000_000) == .pass)
        #expect(simultaneous.check(now: 3_000_000) == .wait(100))
    }

    @Test("ThrottlingControllerTest.testThrottlingControllerZeroThreshold")
    func zeroThreshold() {
        var controller = ThrottlingController(maxQueueingTimeMs: 500, count: 0)
        #expect(controller.check(acquire: 1, now: 1000) == .block)
        #expect(controller.check(acquire: 0, now: 1000) == .pass)
        #expect(controller.check(acquire: 0, now: 1000) == .pass)
    }

    @Test("throttling above 1000 QPS paces in nanoseconds; a count under 0.5 does not trap")
    func nanoseconds() {
        var controller = ThrottlingController(maxQueueingTimeMs: 10, count: 4000)
        #expect(controller.useNanoseconds)
        // 4000 QPS with a 10 ms queue: 41 calls fit in one ms instant (0, 0.25 ms, ... 10 ms).
        let passed = (0..<100).filter { _ in controller.check(now: 5_000) != .block }.count
        #expect(passed == 41)
        var slow = ThrottlingController(maxQueueingTimeMs: 500, count: 0.2)
        #expect(slow.useNanoseconds)
        #expect(slow.check(now: 10_000) == .pass)
        #expect(slow.check(now: 10_000) == .block)  // next slot 5 s away
    }

    @Test("WarmUpRateLimiterControllerTest.testPace and testPaceCanNotPass")
    func warmUpPacing() {
        var pace = WarmUpRateLimiterController(count: 10, warmUpPeriodSec: 10, maxQueueingTimeMs: 1000, coldFactor: 3)
        let busy = NodeReading(passQps: 100, previousPassQps: 100)
        var now: Int64 = 1_700_000_000_000
        #expect(pace.check(busy, now: now) == .pass)
        for _ in 0..<10 {
            let decision = pace.check(busy, now: now)
            #expect(decision == .wait(100))
            now += 100
        }
        var tight = WarmUpRateLimiterController(count: 10, warmUpPeriodSec: 10, maxQueueingTimeMs: 10, coldFactor: 3)
        #expect(tight.check(busy, now: now) == .pass)
        #expect(tight.check(busy, now: now) == .block)
    }

    @Test("concurrency rules get the default controller whatever their behaviour")
    func generateRater() {
        let rule = FlowRule(resource: "r", grade: .concurrency, count: 3, behavior: .throttle)
        guard case .reject(let controller) = FlowController(rule: rule) else {
            Issue.record("not the default controller")
            return
        }
        #expect(controller.grade == .concurrency)
        if case .warmUpThrottle = FlowController(rule: FlowRule(resource: "r", count: 3, behavior: .warmUpThrottle)) {
        } else {
            Issue.record("not warm-up + throttle")
        }
    }

    @Test("extreme counts from a rule file saturate as Java's casts do instead of trapping")
    func extremes() {
        let now: Int64 = 1_700_000_000_000
        for count in [1e-12, 0.3, 1e30, .infinity] {
            var warm = WarmUpController(count: count, warmUpPeriodSec: 10, coldFactor: 3)
            _ = warm.check(NodeReading(passQps: 5, previousPassQps: 5), now: now)
            var pacing = ThrottlingController(maxQueueingTimeMs: Int.max, count: count)
            _ = pacing.check(now: now)
            _ = pacing.check(now: now)
            var both = WarmUpRateLimiterController(count: count, warmUpPeriodSec: 10, maxQueueingTimeMs: 500, coldFactor: 3)
            _ = both.check(NodeReading(), now: now)
            _ = both.check(NodeReading(), now: now)
        }
        var fast = ThrottlingController(maxQueueingTimeMs: 500, count: 1e30)
        #expect(fast.check(now: now) == .pass)
        #expect(fast.check(now: now) == .pass)
    }

    @Test("Go dialect, tc_throttling_test: 50 per 10 s paces 200 ms apart; queue 0 only paces, queue 2 s holds 10")
    func goThrottling() {
        let start: Int64 = 1_578_416_556_900
        var noQueue = ThrottlingController(maxQueueingTimeMs: 0, count: 50, statDurationMs: 10_000, dialect: .go)
        #expect(noQueue.check(acquire: 51, now: start) == .block)
        #expect(noQueue.check(acquire: 50, now: start) == .pass)
        #expect((0..<10).allSatisfy { _ in noQueue.check(now: start) == .block })
        #expect(noQueue.check(now: start + 2_010) == .pass)
        #expect(noQueue.check(now: start + 2_010) == .block)

        var queue = ThrottlingController(maxQueueingTimeMs: 2_000, count: 50, statDurationMs: 10_000, dialect: .go)
        #expect(queue.check(acquire: 51, now: start) == .block)
        #expect(queue.check(acquire: 50, now: start) == .pass)
        let decisions = (0..<20).map { _ in queue.check(now: start) }
        #expect(decisions[..<10] == ArraySlice((1...10).map { FlowDecision.wait(Int64($0) * 200) }))
        #expect(decisions[10...].allSatisfy { $0 == .block })
    }
}
