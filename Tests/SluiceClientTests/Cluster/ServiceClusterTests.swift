import NIOCore
import SluiceThrift
import Synchronization
import Testing

@testable import SluiceClient

/// The cluster against real in-process backends on loopback: counts and order, never durations.
@Suite("ServiceCluster over loopback")
struct ServiceClusterTests {
    typealias Support = ClusterTestSupport

    @Test("weighted round robin spreads calls by weight", arguments: [ThriftTransportKind.ttheader, .framed])
    func distributionByWeight(transport: ThriftTransportKind) async throws {
        try await Support.withHarness(backends: [false, false]) { harness in
            let client = harness.client(
                ClusterConfiguration(
                    endpoints: harness.weighted([1, 3]), balancer: BalancerConfiguration(kind: .weightedRoundRobin)),
                transport: transport)
            for n in 0..<40 { _ = try await harness.call(client, "echo", Int32(n)) }
            #expect(harness.backends.map(\.handler.count) == [10, 30])
            await client.shutdown()
        }
    }

    @Test("a connect failure is retried on another endpoint, even for a call that is not idempotent")
    func retryLandsElsewhere() async throws {
        try await Support.withHarness(backends: [false]) { harness in
            let endpoints = [WeightedEndpoint(harness.refusedEndpoint), WeightedEndpoint(harness.backends[0].endpoint)]
            let client = harness.client(
                ClusterConfiguration(
                    endpoints: endpoints, balancer: BalancerConfiguration(kind: .roundRobin),
                    retry: RetryPolicy(maxAttempts: 2, backoff: RetryBackoff(base: .milliseconds(1), max: .milliseconds(2)))))
            for n in 0..<6 { _ = try await harness.call(client, "echo", Int32(n)) }
            // Every call got its answer from the one live endpoint, some after a retry from the refused one.
            #expect(harness.backends[0].handler.count == 6)
            #expect((client.serviceCluster?.budget.counters.retriesStarted ?? 0) >= 1)
            await client.shutdown()
        }
    }

    @Test("a timed-out call that is not idempotent is not retried; an idempotent one is, per try", arguments: [false, true])
    func writtenRule(idempotent: Bool) async throws {
        try await Support.withHarness(backends: [false, false]) { harness in
            let retry = RetryPolicy(
                maxAttempts: 3, perTryTimeout: .milliseconds(100),
                backoff: RetryBackoff(base: .milliseconds(1), max: .milliseconds(2)),
                conditions: [.timeout, .connectFailure], idempotent: idempotent)
            let client = harness.client(ClusterConfiguration(endpoints: harness.weighted([1, 1]), retry: retry))
            let error = await ThriftClientTests.clientError { _ = try await harness.call(client, "silent") }
            #expect(error?.kind == .requestTimeout)
            let calls = harness.backends.map(\.handler.count)
            #expect(calls.reduce(0, +) == (idempotent ? 3 : 1))
            if idempotent {
                // The third attempt goes back to one of the two, since both were tried.
                #expect(calls.allSatisfy { $0 >= 1 })
            }
            await client.shutdown()
        }
    }

    @Test("a route's override replaces the service's retry policy")
    func routeOverride() async throws {
        try await Support.withHarness(backends: [false]) { harness in
            let client = harness.client(ClusterConfiguration(endpoints: harness.weighted([1])))
            let policy = CallPolicyOverride(
                retry: RetryPolicy(
                    maxAttempts: 2, perTryTimeout: .milliseconds(50),
                    backoff: RetryBackoff(base: .milliseconds(1), max: .milliseconds(2)), conditions: [.timeout],
                    idempotent: true))
            let error = await ThriftClientTests.clientError { _ = try await harness.call(client, "silent", policy: policy) }
            #expect(error?.kind == .requestTimeout)
            #expect(harness.backends[0].handler.count == 2)
            await client.shutdown()
        }
    }

    @Test("an empty budget caps the attempts when every attempt fails")
    func budgetCaps() async throws {
        try await Support.withHarness(backends: [false, false]) { harness in
            let retry = RetryPolicy(
                maxAttempts: 5, perTryTimeout: .milliseconds(50),
                backoff: RetryBackoff(base: .milliseconds(1), max: .milliseconds(2)), conditions: [.timeout],
                budget: RetryBudget.Configuration(ratio: 0, minPerSecond: 0), idempotent: true)
            let client = harness.client(ClusterConfiguration(endpoints: harness.weighted([1, 1]), retry: retry))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<4 {
                    group.addTask { _ = try? await harness.call(client, "silent", Int32(n)) }
                }
                try await group.waitForAll()
            }
            #expect(harness.backends.map(\.handler.count).reduce(0, +) == 4)
            #expect(client.serviceCluster?.budget.counters.retriesRefused == 4)
            await client.shutdown()
        }
    }

    @Test("a hedge wins against a stalled endpoint and the stalled attempt is released")
    func hedgingWins() async throws {
        try await Support.withHarness(backends: [true, false]) { harness in
            let client = harness.client(
                ClusterConfiguration(
                    endpoints: harness.weighted([1, 1]), balancer: BalancerConfiguration(kind: .roundRobin),
                    hedge: HedgePolicy(delay: .fixed(.milliseconds(30)))))
            for n in 0..<4 {
                let reply = try await harness.call(client, "echo", Int32(n))
                #expect(reply.body == argumentsBody(Int32(n), protocol: .binary))
            }
            // Every answer came from the live endpoint; every first attempt to the stalled one was hedged there.
            #expect(harness.backends[1].handler.count == 4)
            #expect(harness.backends[0].handler.count >= 1)
            let handles = client.serviceCluster?.currentHandles ?? []
            #expect(await ThriftClientTests.eventually(within: .seconds(2)) { handles.allSatisfy { $0.inFlight == 0 } })
            await client.shutdown()
        }
    }

    @Test("hedges spend the retry budget: with none left, a stalled call is not hedged")
    func hedgingSpendsTheBudget() async throws {
        try await Support.withHarness(backends: [true, true]) { harness in
            let noBudget = RetryPolicy(
                maxAttempts: 1, backoff: RetryBackoff(base: .milliseconds(1)), conditions: [],
                budget: RetryBudget.Configuration(ratio: 0, minPerSecond: 0), idempotent: true)
            let client = harness.client(
                ClusterConfiguration(
                    endpoints: harness.weighted([1, 1]), balancer: BalancerConfiguration(kind: .roundRobin),
                    retry: noBudget, hedge: HedgePolicy(delay: .fixed(.milliseconds(20)))),
                timeout: .milliseconds(300))
            // Both endpoints stall: the call's one attempt waits out its timeout, its hedge refused.
            await #expect(throws: ClientError.self) { _ = try await harness.call(client, "echo", 1) }
            #expect(harness.backends.map(\.handler.count).reduce(0, +) == 1)
            let counters = client.serviceCluster?.budget.counters
            #expect(counters?.retriesRefused == 1 && counters?.retriesStarted == 0)
            await client.shutdown()
        }
    }

    @Test("when every endpoint is ejected a call fails at once, naming the service")
    func allEjected() async throws {
        try await Support.withHarness(backends: []) { harness in
            let endpoints = [WeightedEndpoint(harness.refusedEndpoint), WeightedEndpoint(Endpoint(host: "127.0.0.1", port: 1))]
            let client = harness.client(
                ClusterConfiguration(
                    endpoints: endpoints,
                    outlier: OutlierPolicy(consecutiveFailures: 1, baseEjection: .seconds(60), maxEjectionPercent: 100)))
            for _ in 0..<2 {
                let error = await ThriftClientTests.clientError { _ = try await harness.call(client) }
                #expect(error?.kind == .connectFailed)
            }
            let error = await ThriftClientTests.clientError { _ = try await harness.call(client) }
            #expect(error?.kind == .noEndpoints)
            #expect(error?.message == "service ClusterService: all 2 endpoints are ejected or unavailable")
            #expect(error?.requestWritten == false)
            await client.shutdown()
        }
    }

    @Test("a removed endpoint's call in flight completes; later calls go to the new set")
    func removalDrains() async throws {
        try await Support.withHarness(backends: [false, false]) { harness in
            let source = ManualEndpointSource([WeightedEndpoint(harness.backends[0].endpoint)])
            let client = harness.client(ClusterConfiguration(endpoints: []), source: source)
            let slow = client.call(
                method: "slow", oneway: false, arguments: argumentsBody(7, protocol: .binary), timeout: nil,
                on: harness.loop)
            #expect(await ThriftClientTests.eventually(within: .seconds(2)) { harness.backends[0].handler.count == 1 })
            source.deliver([WeightedEndpoint(harness.backends[1].endpoint)])
            let reply = try await slow.get()
            #expect(reply.body == argumentsBody(7, protocol: .binary))
            #expect(await ThriftClientTests.eventually(within: .seconds(2)) { client.serviceCluster?.drainingCount == 0 })
            _ = try await harness.call(client, "echo", 8)
            #expect(harness.backends.map(\.handler.count) == [1, 1])
            await client.shutdown()
        }
    }

    @Test("before discovery delivers anything a call fails at once")
    func nothingDiscovered() async throws {
        try await Support.withHarness(backends: []) { harness in
            let source = ManualEndpointSource([])
            let client = harness.client(ClusterConfiguration(endpoints: []), source: source)
            let error = await ThriftClientTests.clientError { _ = try await harness.call(client) }
            #expect(error?.kind == .noEndpoints)
            #expect(error?.message == "service ClusterService: discovery has delivered no endpoints")
            await client.shutdown()
        }
    }

    @Test("a cancelled call stops retrying")
    func cancelledStops() async throws {
        try await Support.withHarness(backends: [false]) { harness in
            let retry = RetryPolicy(
                maxAttempts: 5, perTryTimeout: .seconds(3), conditions: [.timeout], idempotent: true)
            let client = harness.client(ClusterConfiguration(endpoints: harness.weighted([1]), retry: retry))
            let cancellation = CallCancellation()
            let future = client.call(
                method: "silent", oneway: false, arguments: argumentsBody(1, protocol: .binary), timeout: nil,
                cancellation: cancellation, on: harness.loop)
            #expect(await ThriftClientTests.eventually(within: .seconds(2)) { harness.backends[0].handler.count == 1 })
            cancellation.cancel()
            let error = await ThriftClientTests.clientError { _ = try await future.get() }
            #expect(error?.kind == .cancelled)
            #expect(harness.backends[0].handler.count == 1)
            await client.shutdown()
        }
    }
}
