import NIOCore
import Testing

@testable import SluiceClient

@Suite("Deadline queue")
struct DeadlineQueueTests {
    static func at(_ ms: Int64) -> NIODeadline { .uptimeNanoseconds(UInt64(ms) * 1_000_000) }

    @Test("entries come out soonest first, only once expired")
    func order() {
        var queue = DeadlineQueue()
        for (ms, id) in [(50, 1), (10, 2), (30, 3), (10, 4), (70, 5), (20, 6)] as [(Int64, Int32)] {
            queue.push(Self.at(ms), sequenceID: id)
        }
        #expect(queue.earliest == Self.at(10))
        #expect(queue.popExpired(now: Self.at(5)) == nil)
        var expired: [Int32] = []
        while let entry = queue.popExpired(now: Self.at(30)) { expired.append(entry.sequenceID) }
        #expect(Set(expired.prefix(2)) == [2, 4])
        #expect(Array(expired.dropFirst(2)) == [6, 3])
        #expect(queue.count == 2)
        #expect(queue.earliest == Self.at(50))
    }

    @Test("a large random set drains in deadline order")
    func heapProperty() {
        var queue = DeadlineQueue()
        var generator = SystemRandomNumberGenerator()
        var deadlines: [Int64] = []
        for id in 0..<1000 {
            let ms = Int64.random(in: 0..<500, using: &generator)
            deadlines.append(ms)
            queue.push(Self.at(ms), sequenceID: Int32(id))
        }
        var drained: [NIODeadline] = []
        while let entry = queue.popExpired(now: Self.at(1000)) { drained.append(entry.deadline) }
        #expect(drained == deadlines.sorted().map(Self.at))
        #expect(queue.isEmpty)
    }

    @Test("wake-ups round up to the granularity, so close deadlines share one")
    func wakeUp() {
        let granularity = TimeAmount.milliseconds(10)
        #expect(DeadlineQueue.wakeUp(for: .uptimeNanoseconds(20_000_000), granularity: granularity) == Self.at(20))
        #expect(DeadlineQueue.wakeUp(for: .uptimeNanoseconds(20_000_001), granularity: granularity) == Self.at(30))
        #expect(DeadlineQueue.wakeUp(for: .uptimeNanoseconds(29_999_999), granularity: granularity) == Self.at(30))
        #expect(DeadlineQueue.wakeUp(for: .distantFuture, granularity: granularity) == .distantFuture)
    }
}
