import Synchronization
import Testing
@testable import SluiceFlow

/// Sentinel's `ArrayMetricTest`, `StatisticNodeTest` and `OccupiableBucketLeapArrayTest` vectors (reference §7.3).
@Suite("NodeMetrics")
struct NodeMetricsTests {
    @Test("counters read back exactly (ArrayMetricTest)")
    func counters() {
        var metrics = NodeMetrics()
        let now: Int64 = 10_000
        for _ in 0..<9 { metrics.recordPass(now: now) }
        for _ in 0..<2 { metrics.recordBlock(now: now) }
        for index in 0..<9 { metrics.recordCompletion(rtMillis: index < 6 ? 3 : 1, failed: index < 6, now: now) }
        #expect(metrics.passQps(at: now) == 9)
        #expect(metrics.blockQps(at: now) == 2)
        #expect(metrics.successQps(at: now) == 9)
        #expect(metrics.exceptionQps(at: now) == 6)
        #expect(metrics.avgRt(at: now) == 21.0 / 9)
        #expect(metrics.minRt(at: now) == 1)
        #expect(metrics.inFlight == 0)
    }

    @Test("3 s after the load: nothing in flight, no QPS, the minute keeps the totals, min RT back to 5000")
    func afterLoad() {
        var metrics = NodeMetrics()
        var now: Int64 = 1_000_000
        for _ in 0..<300 {
            metrics.recordPass(now: now)
            now += 3
            metrics.recordCompletion(rtMillis: 3, failed: false, now: now)
        }
        now += 3000
        #expect(metrics.inFlight == 0)
        #expect(metrics.passQps(at: now) == 0)
        #expect(metrics.successQps(at: now) == 0)
        #expect(metrics.totalRequest(at: now) == 300)
        #expect(metrics.totalSuccess(at: now) == 300)
        #expect(metrics.minRt(at: now) == 5000)
    }

    @Test("the window slides by 500 ms buckets; previous pass QPS is the minute's previous second")
    func sliding() {
        var metrics = NodeMetrics()
        for _ in 0..<4 { metrics.recordPass(now: 2_100) }
        for _ in 0..<3 { metrics.recordPass(now: 2_600) }
        #expect(metrics.passQps(at: 2_999) == 7)
        #expect(metrics.passQps(at: 3_000) == 3)  // the 2000 bucket is 1000 ms old: out
        #expect(metrics.passQps(at: 3_500) == 0)
        #expect(metrics.previousPassQps(at: 3_200) == 7)
        #expect(metrics.previousPassQps(at: 4_200) == 0)
    }

    @Test("max success QPS scales the busiest bucket and is never below one per bucket")
    func maxSuccess() {
        var metrics = NodeMetrics()
        #expect(metrics.maxSuccessQps(at: 1_000) == 2)
        for _ in 0..<5 {
            metrics.recordPass(now: 1_000)
            metrics.recordCompletion(rtMillis: 10, failed: false, now: 1_000)
        }
        #expect(metrics.maxSuccessQps(at: 1_100) == 10)
    }

    @Test("passes booked in a future bucket wait there, then count when it becomes current")
    func occupiable() {
        var window = OccupiableWindow(sampleCount: 10, intervalMillis: 2000)
        let now: Int64 = 40_000
        window.addWaiting(at: now + 200, count: 10)
        #expect(window.currentWaiting(at: now) == 10)
        let pass = window.withCurrent(at: now + 200) { $0.pass }
        #expect(pass == 10)
        #expect(window.currentWaiting(at: now + 200) == 0)
    }

    @Test("a prioritized entry waits until the oldest bucket leaves the window")
    func occupyNext() {
        var metrics = NodeMetrics()
        for _ in 0..<10 { metrics.recordPass(now: 100) }
        #expect(metrics.tryOccupyNext(at: 600, count: 1, threshold: 10) == 400)
        metrics.bookOccupiedPass(waitMillis: 400, now: 600)
        #expect(metrics.waiting(at: 600) == 1)
        #expect(metrics.passQps(at: 1_000) == 1)
        // Nothing leaves soon enough when the current bucket alone fills the threshold.
        var full = NodeMetrics()
        for _ in 0..<10 { full.recordPass(now: 600) }
        #expect(full.tryOccupyNext(at: 600, count: 1, threshold: 10) == NodeMetrics.occupyTimeoutMillis)
    }

    @Test("two threads recording on one node lose nothing")
    func concurrent() async {
        let node = StatisticNode()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    for _ in 0..<10_000 {
                        node.recordPass(now: 5_000)
                        node.recordCompletion(rtMillis: 1, failed: false, now: 5_000)
                    }
                }
            }
        }
        #expect(node.withMetrics { $0.totalRequest(at: 5_000) } == 20_000)
        #expect(node.withMetrics { $0.inFlight } == 0)
    }
}
