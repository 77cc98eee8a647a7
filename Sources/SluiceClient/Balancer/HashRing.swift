/// A consistent-hash ring (ketama style): each endpoint owns points derived from its address alone, as many
/// as its weight (divided by the weights' greatest common divisor) × points per weight, so the same endpoint
/// lands on the same points in every rebuild and on every gateway. Adding or removing one of N endpoints
/// moves only the keys on its arcs, about 1/N. A key goes to the owner of the first point at or after it;
/// when that owner is unavailable (or already tried) the walk goes on to the next point's owner, so only the
/// unavailable endpoint's keys move. Immutable, so every copy of a balancer shares one ring, and the
/// balancers of a service's event loops can share one (`Balancer.init(configuration:endpoints:sharingRingOf:)`).
public final class HashRing: Sendable {
    /// Sorted ring positions and, at the same index, the endpoint index that owns each.
    let points: [UInt64]
    let owners: [Int32]
    /// What the ring was built from, so another loop's balancer for the same list may reuse it.
    let members: [BalancerEndpoint]
    let pointsPerWeight: Int

    init(_ table: EndpointTable, pointsPerWeight: Int) {
        members = table.entries.map { BalancerEndpoint($0.endpoint, weight: $0.weight) }
        self.pointsPerWeight = pointsPerWeight
        let divisor = table.entries.reduce(0) { Self.gcd($0, $1.weight) }
        var pairs: [(point: UInt64, owner: Int32)] = []
        if divisor > 0 {
            let perWeight = max(pointsPerWeight, 1)
            pairs.reserveCapacity(table.entries.reduce(0) { $0 + $1.weight / divisor * perWeight })
            for (index, entry) in table.entries.enumerated() where entry.weight > 0 {
                let seed = BalancerHash.fnv1a64(entry.endpoint.description)
                for replica in 0..<(entry.weight / divisor * perWeight) {
                    pairs.append((BalancerHash.mix(seed &+ UInt64(replica) &* 0x9e37_79b9_7f4a_7c15), Int32(index)))
                }
            }
        }
        // Ties (two endpoints on one point) go to the lower index wherever they occur, so the choice is stable.
        pairs.sort { $0.point != $1.point ? $0.point < $1.point : $0.owner < $1.owner }
        points = pairs.map(\.point)
        owners = pairs.map(\.owner)
    }

    /// The first eligible owner at or after `key`'s position, walking round the ring.
    func owner(of key: UInt64, in table: EndpointTable, excluding tried: TriedEndpoints) -> Int? {
        let count = points.count
        guard count > 0 else { return nil }
        let position = BalancerHash.mix(key)
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if points[middle] < position { low = middle + 1 } else { high = middle }
        }
        var index = low == count ? 0 : low
        for _ in 0..<count {
            let owner = Int(owners[index])
            if table.isEligible(owner, excluding: tried) { return owner }
            index = index + 1 == count ? 0 : index + 1
        }
        return nil
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
