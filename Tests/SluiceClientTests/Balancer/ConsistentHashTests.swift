import NIOCore
import Testing

@testable import SluiceClient

@Suite("Consistent hash ring")
struct ConsistentHashTests {
    static let keys = (0..<10_000).map { BalancerHash.fnv1a64("session-\($0)") }

    /// Each key's endpoint, by address, so owners compare across endpoint lists.
    static func owners(_ balancer: inout Balancer) -> [Endpoint?] {
        var rng = SplitMix64(seed: 5)
        return keys.map { key in
            balancer.pick(hashKey: key, now: BalancerFixture.t0, rng: &rng).map { balancer.table[$0].endpoint }
        }
    }

    @Test("a key stays on one endpoint")
    func sticky() {
        var balancer = BalancerFixture.balancer(.consistentHash, weights: [1, 1, 1, 1])
        var rng = SplitMix64(seed: 1)
        let key = BalancerHash.fnv1a64("user-42")
        let first = balancer.pick(hashKey: key, now: BalancerFixture.t0, rng: &rng)
        for _ in 0..<100 { #expect(balancer.pick(hashKey: key, now: BalancerFixture.t0, rng: &rng) == first) }
    }

    @Test("adding an 11th endpoint moves about 1/11 of 10 000 keys, all to the new one")
    func add() {
        let ten = BalancerFixture.endpoints(Array(repeating: 1, count: 11))
        var before = Balancer(configuration: .init(kind: .consistentHash), endpoints: Array(ten.prefix(10)))
        var after = before.rebuilt(for: ten, now: BalancerFixture.t0)
        let (old, new) = (Self.owners(&before), Self.owners(&after))
        let moved = zip(old, new).filter { $0 != $1 }
        #expect(Double(moved.count) / 10_000 < 1.5 / 11, "\(moved.count) moved")
        #expect(moved.count > 0)
        #expect(moved.allSatisfy { $0.1 == ten[10].endpoint })
    }

    @Test("removing one of 10 endpoints moves only its keys, about 1/10")
    func remove() {
        let ten = BalancerFixture.endpoints(Array(repeating: 1, count: 10))
        var before = Balancer(configuration: .init(kind: .consistentHash), endpoints: ten)
        var after = before.rebuilt(for: ten.filter { $0 != ten[3] }, now: BalancerFixture.t0)
        let (old, new) = (Self.owners(&before), Self.owners(&after))
        let moved = zip(old, new).filter { $0 != $1 }
        #expect(Double(moved.count) / 10_000 < 1.5 / 10, "\(moved.count) moved")
        #expect(moved.allSatisfy { $0.0 == ten[3].endpoint })
        #expect(old.filter { $0 == ten[3].endpoint }.count == moved.count)
    }

    @Test("an unavailable endpoint's keys go to others and come back; the others' keys stay")
    func unavailable() {
        let endpoints = BalancerFixture.endpoints(Array(repeating: 1, count: 5))
        var balancer = Balancer(configuration: .init(kind: .consistentHash), endpoints: endpoints)
        let healthy = Self.owners(&balancer)
        balancer.setAvailable(2, false, now: BalancerFixture.t0)
        let degraded = Self.owners(&balancer)
        for (old, new) in zip(healthy, degraded) {
            if old == endpoints[2].endpoint { #expect(new != endpoints[2].endpoint) } else { #expect(new == old) }
        }
        balancer.setAvailable(2, true, now: BalancerFixture.t0)
        #expect(Self.owners(&balancer) == healthy)
    }

    @Test("a retry of a hashed call goes to the next endpoint on the ring")
    func retry() {
        var balancer = BalancerFixture.balancer(.consistentHash, weights: [1, 1, 1])
        var rng = SplitMix64(seed: 1)
        let key = BalancerHash.fnv1a64("user-7")
        guard let first = balancer.pick(hashKey: key, now: BalancerFixture.t0, rng: &rng) else {
            Issue.record("no endpoint")
            return
        }
        let tried = TriedEndpoints().inserting(first)
        let second = balancer.pick(hashKey: key, excluding: tried, now: BalancerFixture.t0, rng: &rng)
        #expect(second != nil && second != first)
        // The same key retried again lands on the same second choice: it is the ring's, not chance's.
        #expect(balancer.pick(hashKey: key, excluding: tried, now: BalancerFixture.t0, rng: &rng) == second)
    }

    @Test("event loops' balancers for the same endpoints share one ring; a different list gets its own")
    func sharedRing() {
        let endpoints = BalancerFixture.endpoints([1, 2, 3])
        let first = Balancer(configuration: .init(kind: .consistentHash), endpoints: endpoints)
        let second = Balancer(configuration: .init(kind: .consistentHash), endpoints: endpoints, sharingRingOf: first)
        #expect(first.hashRing != nil && first.hashRing === second.hashRing)
        let grown = BalancerFixture.endpoints([1, 2, 3, 1])
        let firstGrown = first.rebuilt(for: grown, now: BalancerFixture.t0)
        #expect(firstGrown.hashRing !== first.hashRing)
        let secondGrown = second.rebuilt(for: grown, now: BalancerFixture.t0, sharingRingOf: firstGrown)
        #expect(secondGrown.hashRing === firstGrown.hashRing)
        let other = Balancer(configuration: .init(kind: .consistentHash), endpoints: grown, sharingRingOf: first)
        #expect(other.hashRing !== first.hashRing)
    }

    @Test("FNV-1a 64 matches the reference vectors")
    func fnvVectors() {
        #expect(BalancerHash.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(BalancerHash.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(BalancerHash.fnv1a64("foobar") == 0x8594_4171_f739_67e8)
        #expect(BalancerHash.fnv1a64(Array("foobar".utf8)) == 0x8594_4171_f739_67e8)
    }
}
