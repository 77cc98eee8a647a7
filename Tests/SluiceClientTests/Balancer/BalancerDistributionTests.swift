import NIOCore
import Testing

@testable import SluiceClient

@Suite("Balancers: sequences and distributions")
struct BalancerDistributionTests {
    @Test("smooth weighted round robin gives nginx's sequence for weights 5, 1, 1")
    func nginxSequence() {
        var balancer = BalancerFixture.balancer(.weightedRoundRobin, weights: [5, 1, 1])
        var rng = SplitMix64(seed: 7)
        let names = ["a", "b", "c"]
        let sequence = (0..<14).map { _ in
            names[balancer.pick(now: BalancerFixture.t0, rng: &rng) ?? 0]
        }.joined()
        #expect(sequence == "aabacaa" + "aabacaa")
    }

    @Test(
        "weights 1:3 send 25 % ± 3 % of 4000 calls to the lighter endpoint",
        arguments: [BalancerKind.weightedRoundRobin, .p2c, .ewma, .random, .consistentHash])
    func weighted(kind: BalancerKind) {
        var balancer = BalancerFixture.balancer(kind, weights: [1, 3])
        let counts = BalancerFixture.counts(&balancer, picks: 4000)
        let share = Double(counts[0]) / 4000
        #expect(abs(share - 0.25) <= 0.03, "share \(share)")
        #expect(counts.reduce(0, +) == 4000)
    }

    @Test("round robin takes each endpoint in turn, weights aside")
    func roundRobin() {
        var balancer = BalancerFixture.balancer(.roundRobin, weights: [1, 3, 2])
        let counts = BalancerFixture.counts(&balancer, picks: 300)
        #expect(counts == [100, 100, 100])
    }

    /// Calls arrive every millisecond; endpoint 2 takes 20 ms to answer, the others 2 ms. A call's attempt is
    /// in flight until its answer, and its latency is reported then.
    static func simulateSlowEndpoint(_ kind: BalancerKind) -> [Int] {
        var balancer = BalancerFixture.balancer(kind, weights: [1, 1, 1])
        var rng = SplitMix64(seed: 3)
        let service: [Int64] = [2, 2, 20]
        var pending: [(due: Int64, index: Int)] = []
        var counts = [0, 0, 0]
        for millisecond in Int64(0)..<3000 {
            let now = BalancerFixture.t0 + .milliseconds(millisecond)
            pending.removeAll { call in
                guard call.due <= millisecond else { return false }
                balancer.finished(call.index, latency: .milliseconds(service[call.index]), now: now)
                return true
            }
            guard let index = balancer.pick(now: now, rng: &rng) else { continue }
            balancer.started(index)
            pending.append((millisecond + service[index], index))
            counts[index] += 1
        }
        return counts
    }

    @Test("p2c and ewma send measurably less to a slow endpoint", arguments: [BalancerKind.p2c, .ewma])
    func slowEndpoint(kind: BalancerKind) {
        let counts = Self.simulateSlowEndpoint(kind)
        let slowShare = Double(counts[2]) / Double(counts.reduce(0, +))
        #expect(slowShare < 0.2, "slow share \(slowShare) of \(counts)")
        // Round robin, for contrast, gives it its third.
        let even = Self.simulateSlowEndpoint(.roundRobin)
        #expect(even[2] == 1000)
    }

    @Test("p2c prefers the endpoint with fewer requests in flight per unit of weight")
    func leastRequestPerWeight() {
        var balancer = BalancerFixture.balancer(.p2c, weights: [1, 4])
        // Endpoint 0 has 1 in flight for weight 1, endpoint 1 has 2 for weight 4: 1 > 0.5, so 1 wins.
        balancer.started(0)
        balancer.started(1)
        balancer.started(1)
        var rng = SplitMix64(seed: 11)
        for _ in 0..<20 { #expect(balancer.pick(now: BalancerFixture.t0, rng: &rng) == 1) }
    }
}
