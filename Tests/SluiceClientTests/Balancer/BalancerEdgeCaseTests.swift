import NIOCore
import Testing

@testable import SluiceClient

@Suite("Balancers: exclusion, availability, weights, configuration")
struct BalancerEdgeCaseTests {
    static let t0 = BalancerFixture.t0

    @Test("a retry excluding tried endpoints gets an untried one while one exists", arguments: BalancerKind.allCases)
    func exclusion(kind: BalancerKind) {
        var balancer = BalancerFixture.balancer(kind, weights: [1, 2, 3])
        var rng = SplitMix64(seed: 9)
        for call in 0..<200 {
            let key = BalancerHash.fnv1a64("k\(call)")
            var tried = TriedEndpoints()
            for _ in 0..<3 {
                guard let index = balancer.pick(hashKey: key, excluding: tried, now: Self.t0, rng: &rng) else {
                    Issue.record("nil with endpoints available")
                    return
                }
                #expect(!tried.contains(index))
                tried.insert(index)
            }
            // All three tried: any available one again, never nil.
            #expect(balancer.pick(hashKey: key, excluding: tried, now: Self.t0, rng: &rng) != nil)
        }
    }

    @Test("nil when every endpoint is unavailable, or there are none", arguments: BalancerKind.allCases)
    func nothingAvailable(kind: BalancerKind) {
        var rng = SplitMix64(seed: 1)
        var empty = BalancerFixture.balancer(kind, weights: [])
        #expect(empty.pick(hashKey: 1, now: Self.t0, rng: &rng) == nil)
        var balancer = BalancerFixture.balancer(kind, weights: [1, 1])
        balancer.setAvailable(0, false, now: Self.t0)
        balancer.setAvailable(1, false, now: Self.t0)
        #expect(balancer.pick(hashKey: 1, now: Self.t0, rng: &rng) == nil)
        #expect(balancer.pick(hashKey: 1, excluding: TriedEndpoints().inserting(0), now: Self.t0, rng: &rng) == nil)
        balancer.setAvailable(1, true, now: Self.t0)
        #expect(balancer.pick(hashKey: 1, now: Self.t0, rng: &rng) == 1)
    }

    @Test("weight 0 is never chosen; all weights 0 choose nothing", arguments: BalancerKind.allCases)
    func zeroWeight(kind: BalancerKind) {
        var balancer = BalancerFixture.balancer(kind, weights: [0, 1, 0, 2])
        let counts = BalancerFixture.counts(&balancer, picks: 500)
        #expect(counts[0] == 0 && counts[2] == 0 && counts[1] + counts[3] == 500)
        var zero = BalancerFixture.balancer(kind, weights: [0, 0])
        var rng = SplitMix64(seed: 1)
        #expect(zero.pick(hashKey: 3, now: Self.t0, rng: &rng) == nil)
    }

    @Test("one endpoint takes every call, and a retry goes back to it", arguments: BalancerKind.allCases)
    func single(kind: BalancerKind) {
        var balancer = BalancerFixture.balancer(kind, weights: [5])
        var rng = SplitMix64(seed: 1)
        #expect(balancer.pick(hashKey: 9, now: Self.t0, rng: &rng) == 0)
        #expect(balancer.pick(hashKey: 9, excluding: TriedEndpoints().inserting(0), now: Self.t0, rng: &rng) == 0)
    }

    @Test("tried endpoints above index 63 are remembered too")
    func highIndices() {
        var balancer = BalancerFixture.balancer(.roundRobin, weights: Array(repeating: 1, count: 70))
        var rng = SplitMix64(seed: 1)
        var tried = TriedEndpoints()
        for index in 0..<70 where index != 66 { tried.insert(index) }
        #expect(tried.contains(65) && tried.contains(69) && tried.contains(63))
        // Only four indices above 63 are held: the fifth, 69, replaced the oldest, 64.
        #expect(!tried.contains(64))
        var seen = Set<Int>()
        for _ in 0..<20 { seen.insert(balancer.pick(excluding: tried, now: Self.t0, rng: &rng) ?? -1) }
        #expect(seen.isSubset(of: [64, 66]))
        #expect(seen.contains(66))
    }

    @Test("configuration and weights out of range name their field")
    func validation() {
        #expect(throws: BalancerConfigurationError(field: "slow_start", reason: "must be between 0 and 1h")) {
            try BalancerConfiguration(slowStart: .seconds(-1)).validate()
        }
        #expect(throws: BalancerConfigurationError.self) { try BalancerConfiguration(ewmaDecay: .zero).validate() }
        #expect(throws: BalancerConfigurationError.self) {
            try BalancerConfiguration(ringPointsPerWeight: 0).validate()
        }
        #expect(throws: Never.self) { try BalancerConfiguration(kind: .ewma, slowStart: .seconds(30)).validate() }
        #expect(throws: BalancerConfigurationError(field: "weight", reason: "must be between 0 and 1000000")) {
            try BalancerEndpoint(Endpoint(host: "h", port: 1), weight: -1).validate()
        }
        #expect(BalancerKind(rawValue: "weighted_round_robin") == .weightedRoundRobin)
        #expect(BalancerKind(rawValue: "consistent_hash") == .consistentHash)
    }

    @Test("an out-of-range weight reaching the balancer is clamped, not trapped on")
    func clamped() {
        var balancer = BalancerFixture.balancer(.weightedRoundRobin, weights: [Int.max, -5, 1])
        let counts = BalancerFixture.counts(&balancer, picks: 100)
        #expect(counts[1] == 0 && counts[0] >= 99)
    }
}
