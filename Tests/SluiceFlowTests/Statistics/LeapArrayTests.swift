import Testing
@testable import SluiceFlow

/// Sentinel's `BucketLeapArrayTest` and `LeapArrayTest` vectors (reference §7.3).
@Suite("LeapArray")
struct LeapArrayTests {
    struct Counts: WindowBucket, Equatable {
        var pass = 0
        var block = 0
        init() {}
        mutating func reset() { self = Counts() }
    }

    @Test("a window starts at t - t % length; writes within it share the bucket; the next window is fresh")
    func windows() {
        var array = LeapArray<Counts>(sampleCount: 2, intervalMillis: 1000)
        let t: Int64 = 1_234_567
        array.withBucket(at: t) { $0.pass += 1 }
        array.withBucket(at: t + 100) { $0.pass += 1; $0.block += 1 }
        #expect(array.windowStart(of: t) == t - t % 500)
        var seen: [Counts] = []
        array.forEachValid(at: t + 100) { _, bucket in seen.append(bucket) }
        #expect(seen.map(\.pass) == [2] && seen.map(\.block) == [1])
        let fresh = array.withBucket(at: t + 1000) { $0 }
        #expect(fresh == Counts())
    }

    @Test("the previous window: none just after the first, the first one a window later, none once stale")
    func previous() {
        // BucketLeapArrayTest: 1000 ms windows over 2 s.
        var array = LeapArray<Counts>(sampleCount: 2, intervalMillis: 2000)
        let t: Int64 = 50_000
        array.withBucket(at: t) { $0.pass = 3 }
        #expect(array.previous(at: t) == nil)
        #expect(array.previous(at: t + 1000)?.pass == 3)
        #expect(array.previous(at: t + 11_000) == nil)
    }

    @Test("only buckets within the interval are read; an idle interval leaves one")
    func validOnly() {
        var array = LeapArray<Counts>(sampleCount: 10, intervalMillis: 1000)
        for step in 0..<10 { array.withBucket(at: Int64(step) * 100) { $0.pass += 1 } }
        var count = 0
        array.forEachValid(at: 900) { _, _ in count += 1 }
        #expect(count == 10)
        array.withBucket(at: 5000) { $0.pass += 1 }
        count = 0
        array.forEachValid(at: 5000) { _, _ in count += 1 }
        #expect(count == 1)
    }

    @Test("a time behind the slot's window gets a throwaway bucket")
    func clockBack() {
        var array = LeapArray<Counts>(sampleCount: 2, intervalMillis: 1000)
        array.withBucket(at: 2000) { $0.pass = 5 }
        array.withBucket(at: 1000) { $0.pass = 99 }
        #expect(array.withBucket(at: 2000) { $0.pass } == 5)
    }
}
