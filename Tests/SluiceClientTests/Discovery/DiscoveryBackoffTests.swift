@testable import SluiceClient
import Testing

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
        var generator = SplitMix64(seed: seed)
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
