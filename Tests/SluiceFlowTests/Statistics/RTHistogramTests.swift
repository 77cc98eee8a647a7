import Testing

@testable import SluiceFlow

@Suite("RT histogram")
struct RTHistogramTests {
    static func histogram(_ samples: [(Int64, Int64)]) -> RTHistogram {
        var histogram = RTHistogram()
        for (millis, count) in samples { histogram.add(millis, count: count) }
        return histogram
    }

    @Test("buckets: 0 to 3 alone, then two per power of two; each time in the bucket whose bounds hold it")
    func buckets() {
        #expect((0..<8).map(RTHistogram.upperBound(of:)) == [0, 1, 2, 3, 5, 7, 11, 15])
        #expect(RTHistogram.upperBound(of: 30) == 49_151)
        #expect(RTHistogram.upperBound(of: 31) == .max)
        #expect(RTHistogram.index(of: -5) == 0)
        #expect(RTHistogram.index(of: 100_000) == 31)
        var previous: Int64 = -1
        for index in 0..<RTHistogram.bucketCount - 1 {
            let upper = RTHistogram.upperBound(of: index)
            #expect(upper > previous)
            for millis in [previous + 1, upper] { #expect(RTHistogram.index(of: millis) == index, "\(millis)") }
            previous = upper
        }
    }

    @Test("p99 is the bound of the bucket the 99th percentile's rank falls in, never more than the largest time")
    func percentiles() {
        #expect(RTHistogram().percentile(0.99) == nil)
        // 1...100 ms: the 99th is 99 ms, in 96–127; the largest is 100.
        #expect(Self.histogram((1...100).map { ($0, 1) }).percentile(0.99) == 100)
        // 1000 at 3 ms and 10 at 700 ms: rank 1000 is still 3 ms; rank 1001 (p99.1) is a slow one, at most 700.
        let skewed = Self.histogram([(3, 1_000), (700, 10)])
        #expect(skewed.percentile(0.99) == 3)
        #expect(skewed.percentile(0.999) == 700)
        #expect(skewed.percentile(0.5) == 3)
        // 200 at 40 ms and 2 slow ones: the 99th (rank 200) is 40 ms's bucket bound, 47.
        #expect(Self.histogram([(40, 200), (900, 2)]).percentile(0.99) == 47)
        // One sample: itself, not its bucket's bound; past the last bound, the largest time.
        #expect(Self.histogram([(37, 1)]).percentile(0.99) == 37)
        #expect(Self.histogram([(90_000, 1), (1, 1)]).percentile(0.99) == 90_000)
    }

    @Test("a node keeps one histogram per second of the last minute, reusing a slot a minute on")
    func seconds() {
        var metrics = NodeMetrics()
        metrics.recordPass(now: 10_100)
        metrics.recordCompletion(rtMillis: 5, failed: false, now: 10_200)
        metrics.recordPass(now: 10_300)
        metrics.recordCompletion(rtMillis: 300, failed: false, now: 10_900)
        metrics.recordPass(now: 11_000)
        metrics.recordCompletion(rtMillis: 2, failed: false, now: 11_500)
        let read = metrics.lastMinuteRT(at: 11_600)
        #expect(read.keys.sorted() == [10_000, 11_000])
        #expect(read[10_000]?.percentile(0.99) == 300)
        #expect(read[10_000]?.percentile(0.5) == 5)
        #expect(read[11_000]?.percentile(0.99) == 2)
        // 60 s later the same slot holds a new second; the old one is gone.
        metrics.recordPass(now: 70_100)
        metrics.recordCompletion(rtMillis: 9, failed: false, now: 70_200)
        let later = metrics.lastMinuteRT(at: 70_300)
        #expect(later.keys.sorted() == [11_000, 70_000])
        #expect(later[70_000] == Self.histogram([(9, 1)]))
        #expect(metrics.lastMinuteRT(at: 200_000).isEmpty)
    }
}
