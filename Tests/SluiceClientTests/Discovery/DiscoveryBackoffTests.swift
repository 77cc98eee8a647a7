import SluiceClient
import Testing

/// A deterministic generator (SplitMix64) so jitter is reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Discovery backoff")
struct DiscoveryBackoffTests {
    @Test("caps double from base up to max and stay there, without overflow")
    func caps() {
        let backoff = DiscoveryBackoff(.init(base: .milliseconds(100), max: .seconds(2)))
        let caps = (1...8).map { backoff.cap(afterFailures: $0) }
        #expect(caps == [100, 200, 400, 800, 1600, 2000, 2000, 2000].map { Duration.milliseconds($0) })
        #expect(backoff.cap(afterFailures: Int.max) == .seconds(2))
    }

    @Test("each delay lies in [cap/2, cap]; reset starts over", arguments: [1, 42, 7777])
    func jitter(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        var backoff = DiscoveryBackoff()
        for failures in 1...12 {
            let delay = backoff.nextDelay(using: &generator)
            let cap = backoff.cap(afterFailures: failures)
            #expect(delay >= cap / 2 && delay <= cap)
            #expect(backoff.failures == failures)
        }
        backoff.reset()
        #expect(backoff.failures == 0)
        #expect(backoff.nextDelay(using: &generator) <= .milliseconds(100))
    }

    @Test("configuration errors name the field")
    func validation() {
        #expect(throws: DiscoveryConfigurationError(field: "backoff.base", "must be positive")) {
            try DiscoveryBackoff.Configuration(base: .zero).validate()
        }
        #expect(throws: DiscoveryConfigurationError(field: "backoff.max", "must be at least backoff.base")) {
            try DiscoveryBackoff.Configuration(base: .seconds(3), max: .seconds(2)).validate()
        }
        #expect(throws: DiscoveryConfigurationError.self) {
            try DNSDiscoveryConfiguration(host: "h", port: 80, interval: .zero).validate()
        }
        #expect(throws: DiscoveryConfigurationError.self) {
            try EtcdDiscoveryConfiguration(endpoints: [], service: "echo").validate()
        }
    }
}
