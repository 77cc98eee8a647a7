import Testing
@testable import SluiceFlow

/// The minute window is filled from the second window's buckets as they leave it; these check that every
/// minute read gives what recording each event in both windows (Sentinel's way) gives.
@Suite("NodeMetrics minute window")
struct NodeMetricsMinuteTests {
    /// Sentinel's way: each event in a minute LeapArray of its own.
    struct Direct {
        var minute = LeapArray<MetricBucket>(sampleCount: 60, intervalMillis: 60_000)

        mutating func record(_ event: Event, at now: Int64) {
            minute.withBucket(at: now) { bucket in
                switch event {
                case .pass: bucket.pass += 1
                case .block: bucket.block += 1
                case .completion(let rt, let failed):
                    bucket.addSuccess(rt: rt, count: 1)
                    if failed { bucket.exception += 1 }
                case .booked: bucket.pass += 1; bucket.occupiedPass += 1
                }
            }
        }

        mutating func totals(at now: Int64) -> (request: Int64, success: Int64) {
            minute.withBucket(at: now) { _ in }
            var request: Int64 = 0
            var success: Int64 = 0
            minute.forEachValid(at: now) { _, bucket in
                request += bucket.pass + bucket.block
                success += bucket.success
            }
            return (request, success)
        }

        mutating func previous(at now: Int64) -> (pass: Double, block: Double) {
            minute.withBucket(at: now) { _ in }
            let bucket = minute.previous(at: now)
            return (Double(bucket?.pass ?? 0), Double(bucket?.block ?? 0))
        }
    }

    enum Event {
        case pass, block, booked
        case completion(rt: Int64, failed: Bool)
    }

    /// A small deterministic generator (no Foundation, same stream on every run).
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    @Test("minute totals and the previous second match direct recording, through gaps and idle minutes", arguments: [1, 7, 42])
    func matchesDirect(seed: UInt64) {
        var metrics = NodeMetrics()
        var direct = Direct()
        var random = Generator(state: seed)
        var now: Int64 = 100_000
        for step in 0..<20_000 {
            // Mostly a few ms apart; now and then a pause past a bucket, a second, or the whole minute.
            switch random.next(100) {
            case 0: now += Int64(60_000 + random.next(5_000))
            case 1..<4: now += Int64(random.next(2_500))
            default: now += Int64(random.next(8))
            }
            let event: Event
            switch random.next(10) {
            case 0: event = .block
            case 1..<5: event = .pass
            default: event = .completion(rt: Int64(random.next(50)), failed: random.next(4) == 0)
            }
            switch event {
            case .pass: metrics.recordPass(now: now)
            case .block: metrics.recordBlock(now: now)
            case .completion(let rt, let failed): metrics.recordCompletion(rtMillis: rt, failed: failed, now: now)
            case .booked: break
            }
            direct.record(event, at: now)
            if step % 7 == 0 {
                // Sometimes nearly a minute later, so the oldest seconds still counted are buckets not yet added.
                let read = now + Int64(random.next(10) == 0 ? 58_000 + random.next(3_000) : random.next(1_200))
                let expected = direct.totals(at: read)
                #expect(metrics.totalRequest(at: read) == expected.request, "step \(step) at \(read)")
                #expect(metrics.totalSuccess(at: read) == expected.success, "step \(step) at \(read)")
                let previous = direct.previous(at: read)
                #expect(metrics.previousPassQps(at: read) == previous.pass, "step \(step) at \(read)")
                #expect(metrics.previousBlockQps(at: read) == previous.block, "step \(step) at \(read)")
                now = read
            }
        }
    }

    @Test("a pass booked ahead counts once in the minute: when booked, not again when its bucket leaves")
    func bookedPassCountsOnce() {
        var metrics = NodeMetrics()
        for _ in 0..<10 { metrics.recordPass(now: 100) }
        metrics.bookOccupiedPass(waitMillis: 400, now: 600)
        #expect(metrics.totalRequest(at: 600) == 11)
        metrics.recordPass(now: 1_000)  // the booked bucket becomes current, seeded with the booked pass
        #expect(metrics.passQps(at: 1_000) == 2)
        #expect(metrics.totalRequest(at: 1_000) == 12)
        metrics.recordPass(now: 2_600)  // both earlier buckets have left the second window
        #expect(metrics.totalRequest(at: 2_600) == 13)
        #expect(metrics.previousPassQps(at: 1_200) == 11)
    }

    @Test("the last minute second by second matches direct recording, through gaps and idle minutes", arguments: [3, 11])
    func lastMinuteMatchesDirect(seed: UInt64) {
        var metrics = NodeMetrics()
        var direct = Direct()
        var random = Generator(state: seed)
        var now: Int64 = 100_000
        for step in 0..<8_000 {
            switch random.next(100) {
            case 0: now += Int64(60_000 + random.next(5_000))
            case 1..<6: now += Int64(random.next(2_500))
            default: now += Int64(random.next(8))
            }
            switch random.next(10) {
            case 0:
                metrics.recordBlock(now: now)
                direct.record(.block, at: now)
            case 1..<5:
                metrics.recordPass(now: now)
                direct.record(.pass, at: now)
            default:
                let rt = Int64(random.next(50))
                let failed = random.next(4) == 0
                metrics.recordCompletion(rtMillis: rt, failed: failed, now: now)
                direct.record(.completion(rt: rt, failed: failed), at: now)
            }
            guard step % 11 == 0 else { continue }
            let read = now + Int64(random.next(1_500))
            direct.minute.withBucket(at: read) { _ in }
            let oldest = direct.minute.windowStart(of: read) - 59_000
            var expected: [Int64: MetricBucket] = [:]
            direct.minute.forEachValid(at: read) { start, bucket in
                if start >= oldest && (bucket.pass + bucket.block + bucket.success) > 0 { expected[start] = bucket }
            }
            let seconds = metrics.lastMinute(at: read).filter { ($0.bucket.pass + $0.bucket.block + $0.bucket.success) > 0 }
            #expect(seconds.map(\.start) == expected.keys.sorted(), "step \(step) at \(read)")
            for (start, bucket) in seconds {
                let want = expected[start] ?? MetricBucket()
                #expect(
                    [bucket.pass, bucket.block, bucket.success, bucket.exception, bucket.rt]
                        == [want.pass, want.block, want.success, want.exception, want.rt], "second \(start), step \(step)")
            }
            now = read
        }
    }
}
