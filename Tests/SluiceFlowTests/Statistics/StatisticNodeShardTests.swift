import Testing
@testable import SluiceFlow

/// A node kept in one shard per event loop reads as the one node Sentinel keeps: its rules see every shard's
/// calls, and the busiest window is the busiest summed over shards.
@Suite("StatisticNode shards")
struct StatisticNodeShardTests {
    @Test("readings sum the shards: passes, the previous second and calls in flight")
    func readingsSum() {
        let node = StatisticNode(shards: 2)
        for _ in 0..<3 { node.recordPass(now: 1_000, shard: 0) }
        for _ in 0..<4 { node.recordPass(now: 1_100, shard: 1) }
        node.recordCompletion(rtMillis: 5, failed: false, now: 1_200, shard: 1)
        let reading = node.reading(at: 1_300)
        #expect(reading.passQps == 7)
        #expect(reading.inFlight == 6)
        var merged = node.merged(at: 1_300)
        #expect(merged.passQps(at: 1_300) == 7)
        #expect(merged.successQps(at: 1_300) == 1)
        #expect(merged.totalRequest(at: 1_300) == 7)
        #expect(merged.inFlight == 6)
        #expect(node.reading(at: 2_100).previousPassQps == 7)
    }

    @Test("a shard index past the count wraps, so any loop index is safe")
    func shardWraps() {
        let node = StatisticNode(shards: 2)
        node.recordPass(now: 1_000, shard: 5)
        node.recordPass(now: 1_000, shard: -1)
        #expect(node.reading(at: 1_000).passQps == 2)
        #expect(node.withMetrics(shard: 1) { $0.passQps(at: 1_000) } == 2)
    }

    @Test("the inbound reading's busiest window is summed over shards, not each shard's busiest added")
    func inboundBusiestWindow() {
        let node = StatisticNode(shards: 2)
        // Window [1000, 1500): 3 completions on shard 0, 2 on shard 1; window [1500, 2000): 4 on shard 1.
        for shard in [0, 0, 0, 1, 1] {
            node.recordPass(now: 1_000, shard: shard)
            node.recordCompletion(rtMillis: 10, failed: false, now: 1_100, shard: shard)
        }
        for _ in 0..<4 {
            node.recordPass(now: 1_500, shard: 1)
            node.recordCompletion(rtMillis: 20, failed: false, now: 1_600, shard: 1)
        }
        let reading = node.inboundReading(at: 1_700)
        // Busiest window: 5 completions in 500 ms → 10 a second (each shard's busiest added would say 14).
        #expect(reading.maxSuccessQps == 10)
        #expect(reading.passQps == 9)
        #expect(reading.inFlight == 0)
        #expect(reading.avgRt == Double(5 * 10 + 4 * 20) / 9)
        #expect(reading.minRt == 10)
        // The same counts in one shard read the same.
        let single = StatisticNode()
        for _ in 0..<5 {
            single.recordPass(now: 1_000)
            single.recordCompletion(rtMillis: 10, failed: false, now: 1_100)
        }
        for _ in 0..<4 {
            single.recordPass(now: 1_500)
            single.recordCompletion(rtMillis: 20, failed: false, now: 1_600)
        }
        #expect(single.inboundReading(at: 1_700) == reading)
    }

    @Test("an engine with a shard per loop holds a QPS limit and a concurrency limit across loops")
    func engineLimitsAcrossShards() {
        let engine = FlowEngine(shards: 2)
        let rule = FlowRule(resource: "say", count: 4)
        engine.load(flowRules: [rule, FlowRule(resource: "method", grade: .concurrency, count: 2)])
        for index in 0..<4 {
            guard case .pass = engine.admit(resource: "say", shard: index % 2, now: 1_000) else {
                Issue.record("call \(index) blocked")
                return
            }
        }
        guard case .block(.flow(rule)) = engine.admit(resource: "say", shard: 1, now: 1_001) else {
            Issue.record("the fifth call passed")
            return
        }
        #expect(engine.resource("say").node.reading(at: 1_001).passQps == 4)
        var inbound = engine.inbound.merged(at: 1_001)
        #expect(inbound.blockQps(at: 1_001) == 1)

        guard case .pass(let first) = engine.admit(resource: "method", shard: 0, now: 1_000),
            case .pass(let second) = engine.admit(resource: "method", shard: 1, now: 1_000)
        else {
            Issue.record("a call under the concurrency limit was blocked")
            return
        }
        guard case .block = engine.admit(resource: "method", shard: 0, now: 1_000) else {
            Issue.record("a third call in flight passed")
            return
        }
        engine.complete(first, rtMillis: 1, now: 1_002)
        engine.complete(second, rtMillis: 1, now: 1_002)
        let node = engine.resource("method").node
        #expect(node.withMetrics(shard: 0) { $0.inFlight } == 0)
        #expect(node.withMetrics(shard: 1) { $0.inFlight } == 0)
    }

    @Test("a prioritized call books the next window on all shards' counts, in its own shard")
    func prioritizedAcrossShards() {
        let engine = FlowEngine(shards: 2)
        engine.load(flowRules: [FlowRule(resource: "say", count: 10)])
        for index in 0..<10 { _ = engine.admit(resource: "say", shard: index % 2, now: 100) }
        guard case .block = engine.admit(resource: "say", shard: 1, now: 600) else {
            Issue.record("the eleventh call passed")
            return
        }
        guard case .wait(400, let entry) = engine.admit(resource: "say", prioritized: true, shard: 1, now: 600) else {
            Issue.record("no booked wait")
            return
        }
        let node = engine.resource("say").node
        #expect(node.reading(at: 1_000).passQps == 1)  // the booked pass lands in its window
        #expect(node.reading(at: 600).inFlight == 11)
        engine.complete(entry, rtMillis: 400, now: 1_000)
        #expect(node.withMetrics(shard: 1) { $0.inFlight } == 5)
    }
}
