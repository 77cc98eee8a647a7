import NIOCore
import Testing

@testable import SluiceClient

@Suite("Balancers: slow start, latency estimate, rebuilding")
struct BalancerStateTests {
    static let t0 = BalancerFixture.t0

    @Test("a new endpoint's weight ramps from 10 % to 100 % over the slow-start window")
    func slowStartRamp() {
        let first = BalancerFixture.endpoints([2])
        let both = BalancerFixture.endpoints([2, 2])
        let balancer = Balancer(configuration: .init(kind: .random, slowStart: .seconds(10)), endpoints: first)
            .rebuilt(for: both, now: Self.t0)
        // The initial endpoint is at full strength; the added one starts at the floor.
        #expect(balancer.table.effectiveWeight(0, now: Self.t0) == 2000)
        #expect(balancer.table.effectiveWeight(1, now: Self.t0) == 200)
        #expect(balancer.table.effectiveWeight(1, now: Self.t0 + .milliseconds(500)) == 200)
        #expect(balancer.table.effectiveWeight(1, now: Self.t0 + .seconds(5)) == 1000)
        #expect(balancer.table.effectiveWeight(1, now: Self.t0 + .milliseconds(7500)) == 1500)
        #expect(balancer.table.effectiveWeight(1, now: Self.t0 + .seconds(10)) == 2000)
        // And traffic follows: 1/11 of calls at the start, 1/3 half way, 1/2 after the window.
        for (offset, expected) in [(TimeAmount.zero, 1.0 / 11), (.seconds(5), 1.0 / 3), (.seconds(20), 0.5)] {
            var copy = balancer
            let counts = BalancerFixture.counts(&copy, picks: 4000, now: Self.t0 + offset)
            #expect(abs(Double(counts[1]) / 4000 - expected) < 0.03, "at \(offset): \(counts)")
        }
    }

    @Test("an endpoint that comes back warms up again; without slow start it is at full strength")
    func recovered() {
        var balancer = BalancerFixture.balancer(.weightedRoundRobin, weights: [1, 1], slowStart: .seconds(30))
        #expect(balancer.table.effectiveWeight(0, now: Self.t0) == 1000)
        balancer.setAvailable(0, false, now: Self.t0)
        balancer.setAvailable(0, true, now: Self.t0 + .seconds(1))
        #expect(balancer.table.effectiveWeight(0, now: Self.t0 + .seconds(16)) == 500)
        var plain = BalancerFixture.balancer(.weightedRoundRobin, weights: [1, 1])
        plain.setAvailable(0, false, now: Self.t0)
        plain.setAvailable(0, true, now: Self.t0)
        #expect(plain.table.effectiveWeight(0, now: Self.t0) == 1000)
    }

    @Test("the peak EWMA jumps to a slower sample at once and decays toward faster ones")
    func peakEWMA() {
        var ewma = PeakEWMA()
        let decay = TimeAmount.seconds(10)
        ewma.observe(.milliseconds(10), now: Self.t0, decay: decay)
        #expect(ewma.estimate == 10_000_000)
        ewma.observe(.milliseconds(100), now: Self.t0 + .milliseconds(1), decay: decay)
        #expect(ewma.estimate == 100_000_000)
        // One decay time later a 10 ms sample pulls it 1 − 1/e of the way down.
        ewma.observe(.milliseconds(10), now: Self.t0 + .milliseconds(1) + decay, decay: decay)
        let expected = 10_000_000 + 90_000_000 * 0.36787944117144233
        #expect(abs(ewma.estimate - expected) < 1)
        // Read later, it has decayed toward zero.
        #expect(ewma.current(now: Self.t0 + .seconds(60), decay: decay) < ewma.estimate / 2)
    }

    @Test("ewma tries an endpoint with no latency sample first")
    func unknownFirst() {
        var balancer = BalancerFixture.balancer(.ewma, weights: [1, 1])
        var rng = SplitMix64(seed: 2)
        balancer.started(0)
        balancer.finished(0, latency: .milliseconds(3), now: Self.t0)
        for _ in 0..<10 { #expect(balancer.pick(now: Self.t0, rng: &rng) == 1) }
    }

    @Test("rebuilding for a new endpoint list keeps the state of endpoints that stay")
    func rebuildKeepsState() {
        let endpoints = BalancerFixture.endpoints([1, 1, 1])
        var balancer = Balancer(configuration: .init(kind: .ewma, slowStart: .seconds(10)), endpoints: endpoints)
        balancer.started(1)
        balancer.started(1)
        balancer.started(2)
        balancer.started(2)
        balancer.finished(2, latency: .milliseconds(40), now: Self.t0)
        balancer.setAvailable(0, false, now: Self.t0)
        let newcomer = BalancerEndpoint(Endpoint(host: "10.0.0.9", port: 9090))
        // Endpoint 0 leaves, 2 comes first, a new one joins, 1's weight changes.
        let next = [endpoints[2], newcomer, BalancerEndpoint(endpoints[1].endpoint, weight: 4)]
        let rebuilt = balancer.rebuilt(for: next, now: Self.t0 + .seconds(1))
        #expect(rebuilt.table.count == 3)
        #expect(rebuilt.table[0].latency.estimate == 40_000_000)
        #expect(rebuilt.table[0].inFlight == 1)
        #expect(rebuilt.table[2].inFlight == 2 && rebuilt.table[2].weight == 4)
        #expect(!rebuilt.table[1].latency.hasSample && rebuilt.table[1].inFlight == 0)
        #expect(rebuilt.table[1].warmingSince == Self.t0 + .seconds(1))
        #expect(rebuilt.table[0].warmingSince == nil)
        // An unavailable endpoint that stays, stays unavailable; one that left and came back is new.
        #expect(!balancer.rebuilt(for: endpoints, now: Self.t0).table[0].available)
        let back = rebuilt.rebuilt(for: endpoints, now: Self.t0 + .seconds(2))
        #expect(back.table[0].available && back.table[0].warmingSince == Self.t0 + .seconds(2))
        #expect(back.table[1].inFlight == 2)
    }

    @Test("smooth weighted round robin carries on its sequence across a rebuild")
    func rebuildSmooth() {
        let endpoints = BalancerFixture.endpoints([5, 1, 1])
        var balancer = Balancer(configuration: .init(kind: .weightedRoundRobin), endpoints: endpoints)
        var rng = SplitMix64(seed: 1)
        for _ in 0..<3 { _ = balancer.pick(now: Self.t0, rng: &rng) }  // a a b
        // Endpoint c leaves; a and b keep their current weights (a: 1, b: -4 before c's removal).
        var rebuilt = balancer.rebuilt(for: Array(endpoints.prefix(2)), now: Self.t0)
        let next = (0..<6).map { _ in rebuilt.pick(now: Self.t0, rng: &rng) ?? -1 }
        #expect(next.filter { $0 == 1 }.count == 1)
        #expect(next.first == 0)
    }
}
