// What choosing an endpoint costs a call: one pick + started + finished on one event loop's balancer, for
// p2c and smooth weighted round robin over 3 endpoints, and the others for comparison.
import BenchClock
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import SluiceClient

nonisolated(unsafe) var sink = 0

/// SplitMix64: the balancers take any generator; this one is cheap and seeded.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Runs `calls` pick + started + finished triples; the clock moves 1 µs a call. Returns ns of CPU and wall
/// per call.
func run(_ kind: BalancerKind, weights: [Int], calls: Int) -> (cpu: Double, wall: Double) {
    let endpoints = weights.enumerated().map {
        BalancerEndpoint(Endpoint(host: "10.0.0.\($0.offset + 1)", port: 9090), weight: $0.element)
    }
    var balancer = Balancer(configuration: BalancerConfiguration(kind: kind), endpoints: endpoints)
    var rng = SplitMix64(state: 42)
    var now = NIODeadline.uptimeNanoseconds(1_000_000_000)
    let startWall = nanos(CLOCK_MONOTONIC)
    let startCPU = nanos(CLOCK_PROCESS_CPUTIME_ID)
    for call in 0..<calls {
        now = now + .microseconds(1)
        let index = balancer.pick(hashKey: UInt64(truncatingIfNeeded: call), now: now, rng: &rng) ?? 0
        balancer.started(index)
        balancer.finished(index, latency: .microseconds(Int64(200 + index * 50)), now: now)
        sink &+= index
    }
    let cpu = Double(nanos(CLOCK_PROCESS_CPUTIME_ID) - startCPU) / Double(calls)
    let wall = Double(nanos(CLOCK_MONOTONIC) - startWall) / Double(calls)
    return (cpu, wall)
}

func oneDecimal(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
}

let calls = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 5_000_000 : 5_000_000
let cases: [(String, BalancerKind, [Int])] = [
    ("p2c, 3 endpoints, equal weights", .p2c, [1, 1, 1]),
    ("p2c, 3 endpoints, weights 1,2,3", .p2c, [1, 2, 3]),
    ("weighted_round_robin, 3 endpoints, weights 5,1,1", .weightedRoundRobin, [5, 1, 1]),
    ("round_robin, 3 endpoints", .roundRobin, [1, 1, 1]),
    ("ewma, 3 endpoints", .ewma, [1, 1, 1]),
    ("random, 3 endpoints, weights 1,2,3", .random, [1, 2, 3]),
    ("consistent_hash, 3 endpoints", .consistentHash, [1, 1, 1]),
    ("p2c, 100 endpoints, equal weights", .p2c, Array(repeating: 10, count: 100)),
]
_ = run(.p2c, weights: [1, 1, 1], calls: calls / 10)  // warm-up
for (name, kind, weights) in cases {
    let result = run(kind, weights: weights, calls: calls)
    print(
        "BalancerBench \(name): \(oneDecimal(result.cpu)) ns CPU per pick + finished "
            + "(\(oneDecimal(result.wall)) wall)")
}
if sink == 42 { print(sink) }
