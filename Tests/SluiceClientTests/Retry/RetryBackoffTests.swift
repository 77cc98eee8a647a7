import NIOCore
import Testing

@testable import SluiceClient

@Suite("Retry backoff")
struct RetryBackoffTests {
    @Test("the ceiling doubles from base and stops at max")
    func ceilings() {
        let backoff = RetryBackoff()
        #expect(
            (1...6).map { backoff.ceiling(forRetry: $0) } == [25, 50, 100, 200, 250, 250].map { .milliseconds($0) })
    }

    @Test("huge retry numbers saturate at max instead of overflowing")
    func overflow() {
        let backoff = RetryBackoff(base: .seconds(1), max: .hours(1))
        #expect(backoff.ceiling(forRetry: 63) == .hours(1))
        #expect(backoff.ceiling(forRetry: Int.max) == .hours(1))
        #expect(backoff.ceiling(forRetry: 0) == .seconds(1))
    }

    @Test("full jitter: delays fall in [0, ceiling] and spread over it")
    func jitter() {
        var rng = SplitMix64(seed: 7)
        let backoff = RetryBackoff()
        for retry in 1...5 {
            let ceiling = backoff.ceiling(forRetry: retry)
            let delays = (0..<2000).map { _ in backoff.delay(forRetry: retry, using: &rng) }
            #expect(delays.allSatisfy { $0 >= .zero && $0 <= ceiling })
            // Uniform: the mean is near half the ceiling, and both quarters are hit.
            let mean = delays.reduce(Int64(0)) { $0 + $1.nanoseconds } / Int64(delays.count)
            #expect(abs(mean - ceiling.nanoseconds / 2) < ceiling.nanoseconds / 20)
            let quarter = ceiling.nanoseconds / 4
            #expect(delays.contains { $0.nanoseconds < quarter } && delays.contains { $0.nanoseconds > 3 * quarter })
        }
    }

    @Test("the same seed draws the same delays")
    func deterministic() {
        var a = SplitMix64(seed: 42)
        var b = SplitMix64(seed: 42)
        let backoff = RetryBackoff()
        #expect(
            (1...5).map { backoff.delay(forRetry: $0, using: &a) }
                == (1...5).map { backoff.delay(forRetry: $0, using: &b) })
    }
}
