import Foundation
import Logging
import NIOCore
import SluiceThrift
import Testing

@testable import SluiceClient

/// Process CPU per call, plain client vs cluster (p2c over 3 endpoints, retries configured), with in-process
/// backends whose cost both share. A measurement, not an assertion: run with `SLUICE_CLUSTER_COST=1`.
@Suite("Cluster call cost", .enabled(if: ProcessInfo.processInfo.environment["SLUICE_CLUSTER_COST"] != nil))
struct ClusterCostTests {
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }

    static func run(_ client: ThriftClient, on loop: any EventLoop, calls: Int, window: Int = 32) async throws {
        var started = 0
        while started < calls {
            let batch = (0..<window).map { n in
                client.call(
                    method: "echo", oneway: false, arguments: argumentsBody(Int32(n), protocol: .binary),
                    timeout: nil, on: loop)
            }
            started += window
            for future in batch { _ = try await future.get() }
        }
    }

    @Test("CPU per call: one static endpoint vs p2c over three with retries")
    func cost() async throws {
        try await ClusterTestSupport.withHarness(backends: [false, false, false]) { harness in
            let loop = harness.loop
            let plain = ThriftClient(
                configuration: ThriftClientConfiguration(endpoints: [harness.backends[0].endpoint], serviceName: "S"),
                eventLoopGroup: harness.clientGroup, logger: .init(label: "cost"))
            let cluster = harness.client(
                ClusterConfiguration(
                    endpoints: harness.weighted([1, 1, 1]),
                    retry: RetryPolicy(maxAttempts: 2, perTryTimeout: .seconds(1), conditions: [.connectFailure, .reset])))
            let single = harness.client(
                ClusterConfiguration(
                    endpoints: harness.weighted([1]),
                    retry: RetryPolicy(maxAttempts: 2, perTryTimeout: .seconds(1), conditions: [.connectFailure, .reset])))
            let calls = 40_000
            var results: [String: [Double]] = [:]
            for round in 0..<5 {
                for (name, client) in [("plain", plain), ("cluster-1", single), ("cluster-3", cluster)] {
                    try await Self.run(client, on: loop, calls: 2_000)
                    let before = Self.cpuSeconds()
                    try await Self.run(client, on: loop, calls: calls)
                    let perCall = (Self.cpuSeconds() - before) / Double(calls) * 1e6
                    results[name, default: []].append(perCall)
                    print("round \(round) \(name): \(String(format: "%.2f", perCall)) µs CPU per call")
                }
            }
            let plainBest = results["plain"]?.min() ?? 0
            for name in ["cluster-1", "cluster-3"] {
                let best = results[name]?.min() ?? 0
                print("best: plain \(plainBest) µs, \(name) \(best) µs, +\(String(format: "%.1f", (best / plainBest - 1) * 100)) %")
            }
            await plain.shutdown()
            await cluster.shutdown()
            await single.shutdown()
        }
    }
}
