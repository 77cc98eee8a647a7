import Testing

@testable import SluiceClient

@Suite("Request byte budget")
struct RequestByteBudgetTests {
    @Test("spent exactly once, by the request that reaches the limit")
    func spentOnce() {
        var budget = RequestByteBudget(limit: 100)
        let spentBy = [60, 40, 1_000].map { budget.wrote($0) }
        #expect(spentBy == [false, true, false])
        #expect(budget.isSpent)
        #expect(budget.written == 100)
    }

    @Test("no limit never retires")
    func unlimited() {
        var budget = RequestByteBudget(limit: nil)
        let spentBy = [Int.max / 2, Int.max / 2].map { budget.wrote($0) }
        #expect(spentBy == [false, false])
        #expect(!budget.isSpent)
    }

    @Test("THeader connections retire below Apache C++'s default maxMessageSize of 100 MiB")
    func theaderDefault() {
        #expect(RequestByteBudget.theader < 100 * 1024 * 1024)
        #expect(RequestByteBudget.theader >= 16 * 1024 * 1024)
    }
}
