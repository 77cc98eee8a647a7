import NIOCore
import Testing

@testable import SluiceClient

@Suite("Retry budget")
struct RetryBudgetTests {
    static func at(seconds: Double) -> NIODeadline { .uptimeNanoseconds(UInt64(seconds * 1_000_000_000)) }

    /// Asks for retries until refused; returns how many started.
    static func drain(_ budget: RetryBudget, now: NIODeadline, limit: Int = 10_000) -> Int {
        var started = 0
        while started < limit, budget.tryStartRetry(now: now) { started += 1 }
        return started
    }

    @Test("every attempt failing: 100 requests in flight at ratio 0.2 allow 20 retries in flight plus the floor")
    func capsWhenAllFail() {
        let budget = RetryBudget(.init(ratio: 0.2, minPerSecond: 10))
        for _ in 0..<100 { budget.requestStarted() }
        #expect(Self.drain(budget, now: Self.at(seconds: 100)) == 30)
        // Still refused within the second while nothing finishes.
        #expect(!budget.tryStartRetry(now: Self.at(seconds: 100.9)))
        // Floor retries count as in flight: the ratio admits again only below 20 retries in flight.
        for _ in 0..<10 { budget.retryFinished() }
        #expect(!budget.tryStartRetry(now: Self.at(seconds: 100.9)))
        budget.retryFinished()
        #expect(budget.tryStartRetry(now: Self.at(seconds: 100.9)))
        #expect(!budget.tryStartRetry(now: Self.at(seconds: 100.9)))
    }

    @Test("the floor refills each second")
    func floorRefills() {
        let budget = RetryBudget(.init(ratio: 0.2, minPerSecond: 10))
        #expect(Self.drain(budget, now: Self.at(seconds: 3.0)) == 10)
        #expect(Self.drain(budget, now: Self.at(seconds: 3.99)) == 0)
        #expect(Self.drain(budget, now: Self.at(seconds: 4.0)) == 10)
        #expect(Self.drain(budget, now: Self.at(seconds: 9.5)) == 10)
        // A reading from a loop whose clock lags counts in the newer second.
        #expect(Self.drain(budget, now: Self.at(seconds: 9.2)) == 0)
    }

    @Test("an idle service can still retry: the ratio rounds down, the floor remains")
    func idle() {
        let budget = RetryBudget(.init(ratio: 0.2, minPerSecond: 2))
        for _ in 0..<4 { budget.requestStarted() }
        #expect(Self.drain(budget, now: Self.at(seconds: 1)) == 2)
        budget.requestStarted()
        for _ in 0..<2 { budget.retryFinished() }
        // Five requests at 0.2 allow one by the ratio; the floor is spent for this second.
        #expect(Self.drain(budget, now: Self.at(seconds: 1.5)) == 1)
    }

    @Test("ratio 0 and no floor allows nothing; ratio 1 allows one retry per request in flight")
    func extremes() {
        let none = RetryBudget(.init(ratio: 0, minPerSecond: 0))
        for _ in 0..<50 { none.requestStarted() }
        #expect(Self.drain(none, now: Self.at(seconds: 1)) == 0)
        let all = RetryBudget(.init(ratio: 1, minPerSecond: 0))
        for _ in 0..<7 { all.requestStarted() }
        #expect(Self.drain(all, now: Self.at(seconds: 1)) == 7)
    }

    @Test("finished requests shrink what the ratio allows")
    func requestsFinish() {
        let budget = RetryBudget(.init(ratio: 0.5, minPerSecond: 0))
        for _ in 0..<10 { budget.requestStarted() }
        #expect(Self.drain(budget, now: Self.at(seconds: 1)) == 5)
        for _ in 0..<5 { budget.retryFinished() }
        for _ in 0..<6 { budget.requestFinished() }
        #expect(Self.drain(budget, now: Self.at(seconds: 1)) == 2)
    }

    @Test("counters add up")
    func counters() {
        let budget = RetryBudget(.init(ratio: 0.2, minPerSecond: 1))
        for _ in 0..<10 { budget.requestStarted() }
        #expect(Self.drain(budget, now: Self.at(seconds: 1)) == 3)
        budget.retryFinished()
        budget.requestFinished()
        let counters = budget.counters
        #expect(
            counters
                == .init(
                    requestsStarted: 10, requestsFinished: 1, retriesStarted: 3, retriesFinished: 1, retriesRefused: 1))
    }

    @Test("loops racing on one budget never start more than it allows")
    func concurrent() async {
        let budget = RetryBudget(.init(ratio: 0.2, minPerSecond: 10))
        for _ in 0..<1000 { budget.requestStarted() }
        let now = Self.at(seconds: 1)
        let started = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 { group.addTask { Self.drain(budget, now: now, limit: 200) } }
            return await group.reduce(0, +)
        }
        #expect(started == 210)
    }
}
