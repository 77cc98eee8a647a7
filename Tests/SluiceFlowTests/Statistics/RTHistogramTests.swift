import Testing

@testable import SluiceFlow

@Suite("RT histogram")
struct RTHistogramTests {
    static func histogram(_ samples: [(Int64, Int64)]) -> RTHistogram {
        var histogram = RTHistogram()
        for (millis, count) in samples { histogram.add(millis, count: count) }
        return histogram
    }

    @Test("each time falls in the first bucket whose bound holds it; past 5 s, in the open last one")
    func buckets() {
        #expect(RTHistogram.bounds.count == 32)
        #expect(RTHistogram.index(of: 0) == 0)
        #expect(RTHistogram.index(of: 1) == 1)
        #expect(RTHistogram.index(of: 7) == 7)  // (6, 8]
        #expect(RTHistogram.index(of: 8) == 7)
        #expect(RTHistogram.index(of: 9) == 8)
        #expect(RTHistogram.index(of: 5_000) == 30)
        #expect(RTHistogram.index(of: 5_001) == 31)
        #expect(RTHistogram.index(of: .max) == 31)
        for millis in Int64(0)...6_000 {
            let index = RTHistogram.index(of: millis)
            #expect(millis <= RTHistogram.bounds[index] && (index == 0 || millis > RTHistogram.bounds[index - 1]), "\(millis)")
        }
    }

    @Test("p99 is the bound of the bucket the 99th percentile's rank falls in, never more than the largest time")
    func percentiles() {
        #expect(RTHistogram().percentile(0.99) == nil)
        // 1...100 ms: the 99th is 99 ms, in (80, 100]; the largest is 100.
        #expect(Self.histogram((1...100).map { ($0, 1) }).percentile(0.99) == 100)
        // 1000 at 3 ms and 10 at 700 ms: rank 1000 is still 3 ms; rank 1001 (p99.1) is a slow one, at most 700.
        let skewed = Self.histogram([(3, 1_000), (700, 10)])
        #expect(skewed.percentile(0.99) == 3)
        #expect(skewed.percentile(0.999) == 700)
        #expect(skewed.percentile(0.5) == 3)
        // One sample: itself, not its bucket's bound.
        #expect(Self.histogram([(37, 1)]).percentile(0.99) == 37)
        // Past the last bound: the largest time.
        #expect(Self.histogram([(9_000, 1), (1, 1)]).percentile(0.99) == 9_000)
    }

    @Test("absorbing adds counts and keeps the larger maximum")
    func absorb() {
        var total = Self.histogram([(3, 2)])
        total.absorb(Self.histogram([(120, 1), (3, 1)]))
        #expect(total == Self.histogram([(3, 3), (120, 1)]))
        #expect(total.maxRt == 120)
    }
}
