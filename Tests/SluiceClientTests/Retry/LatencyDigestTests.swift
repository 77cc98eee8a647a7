import Foundation
import NIOCore
import Testing

@testable import SluiceClient

@Suite("Latency digest and hedge policy")
struct LatencyDigestTests {
    static let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)

    /// The exact quantile of sorted samples by the same rank rule (smallest value with at least q of them).
    static func exact(_ sorted: [Int64], _ q: Double) -> Int64 {
        sorted[max(1, Int((q * Double(sorted.count)).rounded(.up))) - 1]
    }

    @Test("p50...p99.9 within 3.2 % of the exact values over a skewed distribution")
    func accuracy() {
        var rng = SplitMix64(seed: 3)
        var digest = LatencyDigest()
        var samples: [Int64] = []
        for _ in 0..<50_000 {
            // Log-uniform from 100 µs to 2 s: every bucket size is exercised.
            let exponent = Double.random(in: 2...6.3, using: &rng)
            let micros = Int64(pow(10, exponent))
            samples.append(micros)
            digest.record(.microseconds(micros), now: Self.t0)
        }
        samples.sort()
        for q in [0.5, 0.9, 0.95, 0.99, 0.999] {
            let answer = digest.quantile(q).map { Double($0.nanoseconds) / 1_000 } ?? 0
            let truth = Double(Self.exact(samples, q))
            #expect(abs(answer - truth) / truth <= 0.032, "q \(q): \(answer) vs \(truth)")
        }
    }

    @Test("bucket indices: exact below 16 µs, 16 per power of two, monotonic, bounded")
    func buckets() {
        #expect((0..<16).map { LatencyDigest.index(ofMicroseconds: Int64($0)) } == Array(0..<16))
        #expect(LatencyDigest.index(ofMicroseconds: 16) == 16)
        #expect(LatencyDigest.index(ofMicroseconds: 32) == 32)
        #expect(LatencyDigest.bucketCount == 592)
        var previous = -1
        var value: Int64 = 1
        while value < LatencyDigest.maxMicroseconds {
            let index = LatencyDigest.index(ofMicroseconds: value)
            #expect(index >= previous && index < LatencyDigest.bucketCount)
            let mid = LatencyDigest.midpointMicroseconds(of: index)
            #expect(abs(Double(mid - value)) / Double(value) <= 1.0 / 16)
            previous = index
            value = value * 9 / 8 + 1
        }
    }

    @Test("empty answers nil; huge and negative latencies are clamped")
    func edges() {
        var digest = LatencyDigest()
        #expect(digest.quantile(0.5) == nil)
        digest.record(.hours(24 * 365), now: Self.t0)
        digest.record(.nanoseconds(-5), now: Self.t0)
        #expect(digest.count == 2)
        #expect(digest.quantile(0.5) == .zero)
        #expect(digest.quantile(1.0)! > .hours(24 * 12))
    }

    @Test("samples age out after two windows")
    func windows() {
        var digest = LatencyDigest(window: .seconds(10))
        for _ in 0..<10 { digest.record(.milliseconds(500), now: Self.t0) }
        for _ in 0..<10 { digest.record(.milliseconds(5), now: Self.t0 + .seconds(12)) }
        // Both windows: the slow ones still count.
        #expect(digest.count == 20)
        #expect(digest.quantile(0.9)! > .milliseconds(400))
        digest.rotate(now: Self.t0 + .seconds(21))
        #expect(digest.count == 10)
        #expect(digest.quantile(0.9)! < .milliseconds(6))
        digest.rotate(now: Self.t0 + .seconds(60))
        #expect(digest.count == 0)
    }

    @Test("a fixed hedge delay is used as is; a percentile waits for samples")
    func hedgeDelay() throws {
        let fixed = HedgePolicy(delay: .fixed(.milliseconds(50)))
        #expect(fixed.maxExtra == 1)
        #expect(fixed.hedgeDelay(recent: LatencyDigest()) == .milliseconds(50))
        let p95 = HedgePolicy(delay: try .init(percentile: "p95"))
        var digest = LatencyDigest()
        for ms in 1...19 { digest.record(.milliseconds(Int64(ms)), now: Self.t0) }
        #expect(p95.hedgeDelay(recent: digest) == nil)
        for ms in 20...100 { digest.record(.milliseconds(Int64(ms)), now: Self.t0) }
        let delay = try #require(p95.hedgeDelay(recent: digest))
        #expect(abs(Double(delay.nanoseconds) / 1e6 - 95) <= 95 * 0.032)
    }

    @Test("percentile spellings", arguments: [("p95", 95.0), ("p50", 50), ("p99.9", 99.9)])
    func percentiles(text: String, value: Double) throws {
        let delay = try HedgePolicy.Delay(percentile: text)
        #expect(delay == .percentile(value))
        #expect(delay.description == text)
    }

    @Test("bad percentiles and settings name the field", arguments: ["95", "p100", "p0", "pfast", "p-1", "P95"])
    func badPercentiles(text: String) {
        let error = #expect(throws: PolicyError.self) { try HedgePolicy.Delay(percentile: text) }
        #expect(error?.field == "hedge.delay")
    }

    @Test("hedge validation")
    func hedgeValidation() throws {
        try HedgePolicy(delay: .fixed(.milliseconds(20))).validate()
        #expect(throws: PolicyError.self) { try HedgePolicy(delay: .fixed(.zero)).validate() }
        let error = #expect(throws: PolicyError.self) {
            try HedgePolicy(delay: .percentile(95), maxExtra: 0).validate()
        }
        #expect(error?.field == "hedge.max_extra")
    }
}
