import NIOCore

@testable import SluiceClient

enum BalancerFixture {
    static let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    static func endpoints(_ weights: [Int]) -> [BalancerEndpoint] {
        weights.enumerated().map {
            BalancerEndpoint(Endpoint(host: "10.0.0.\($0.offset + 1)", port: 9090), weight: $0.element)
        }
    }

    static func balancer(_ kind: BalancerKind, weights: [Int], slowStart: TimeAmount = .zero) -> Balancer {
        Balancer(configuration: BalancerConfiguration(kind: kind, slowStart: slowStart), endpoints: endpoints(weights))
    }

    /// `picks` calls, each started and finished at once with the same latency; how many each endpoint got.
    /// Consistent hashing gets a distinct key per call.
    static func counts(
        _ balancer: inout Balancer, picks: Int, seed: UInt64 = 1, now: NIODeadline = t0
    ) -> [Int] {
        var rng = SplitMix64(seed: seed)
        var counts = Array(repeating: 0, count: balancer.table.count)
        for call in 0..<picks {
            let key = BalancerHash.fnv1a64("user-\(call)")
            guard let index = balancer.pick(hashKey: key, now: now, rng: &rng) else { continue }
            balancer.started(index)
            balancer.finished(index, latency: .milliseconds(5), now: now)
            counts[index] += 1
        }
        return counts
    }
}
