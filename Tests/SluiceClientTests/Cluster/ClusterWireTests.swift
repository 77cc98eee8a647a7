import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import SluiceClient

/// A protocol whose replies carry a status, as gRPC's do, with endpoints that answer from a script: what the
/// generic cluster does with a reply that is a failed attempt, without any I/O.
enum StatusWire: ClusterWire {
    struct Call: Sendable {
        var timeout: TimeAmount
        var cancellation: CallCancellation? = nil
        var streaming = false
    }

    struct Reply: Sendable {
        var endpoint: Int
        var status: Int
    }

    /// Answers each call at once with the next scripted status (0 once the script runs out; a negative one
    /// fails the call as a transport that was shut down does); records the timeout each attempt was given.
    final class Endpoint: Sendable {
        let index: Int
        private let script: Mutex<[Int]>
        let timeouts = Mutex<[TimeAmount]>([])

        init(index: Int, script: [Int] = []) {
            self.index = index
            self.script = Mutex(script)
        }

        var calls: Int { timeouts.withLock { $0.count } }

        func answer(_ call: Call, promise: EventLoopPromise<Reply>) {
            timeouts.withLock { $0.append(call.timeout) }
            let status = script.withLock { $0.isEmpty ? 0 : $0.removeFirst() }
            guard status >= 0 else { return promise.fail(ClientError(.shutdown, "the transport is shut down")) }
            promise.succeed(Reply(endpoint: index, status: status))
        }
    }

    typealias Transport = Endpoint

    static func send(_ call: Call, on transport: Endpoint, promise: EventLoopPromise<Reply>) {
        transport.answer(call, promise: promise)
    }

    static func shutdown(_ transport: Endpoint) async {}
    static func timeout(of call: Call) -> TimeAmount { call.timeout }
    static func cancellation(of call: Call) -> CallCancellation? { call.cancellation }
    static func mayRetry(_ call: Call) -> Bool { !call.streaming }
    static func mayHedge(_ call: Call) -> Bool { !call.streaming }

    static func attempt(of call: Call, deadline: NIODeadline, timeout: TimeAmount, cancellation: CallCancellation?) -> Call {
        var attempt = call
        attempt.timeout = timeout
        if let cancellation { attempt.cancellation = cancellation }
        return attempt
    }

    static func failure(of reply: Reply) -> AttemptFailure? {
        reply.status == 0 ? nil : AttemptFailure(.grpc(reply.status), requestWritten: true)
    }
}

@Suite("The cluster over a protocol whose replies can be failures")
struct ClusterWireTests {
    /// Endpoint ports are their indices; weights 100:1 under weighted round robin send the first attempt to
    /// endpoint 0.
    static func withCluster(
        scripts: [[Int]], weights: [Int]? = nil, kind: BalancerKind = .weightedRoundRobin, retry: RetryPolicy? = nil,
        outlier: OutlierPolicy? = nil,
        _ body: (EndpointCluster<StatusWire>, [StatusWire.Endpoint], any EventLoop) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let endpoints = scripts.enumerated().map { StatusWire.Endpoint(index: $0.offset, script: $0.element) }
        let weights = weights ?? [100] + Array(repeating: 1, count: scripts.count - 1)
        let configuration = ClusterConfiguration(
            endpoints: zip(endpoints, weights).map { WeightedEndpoint(Endpoint(host: "127.0.0.1", port: $0.index + 1), weight: $1) },
            balancer: BalancerConfiguration(kind: kind), retry: retry, outlier: outlier)
        let cluster = EndpointCluster<StatusWire>(
            serviceName: "status", configuration: configuration, source: nil, group: group,
            logger: Logger(label: "cluster-wire-test")
        ) { endpoint in endpoints[endpoint.port - 1] }
        var failure: (any Error)?
        do { try await body(cluster, endpoints, group.next()) } catch { failure = error }
        await cluster.shutdown()
        try await group.shutdownGracefully()
        if let failure { throw failure }
    }

    static func call(
        _ cluster: EndpointCluster<StatusWire>, on loop: any EventLoop, streaming: Bool = false
    ) async throws -> StatusWire.Reply {
        let promise = loop.makePromise(of: StatusWire.Reply.self)
        cluster.send(StatusWire.Call(timeout: .seconds(5), streaming: streaming), policy: nil, hashKey: nil, promise: promise)
        return try await promise.futureResult.get()
    }

    static let retryUnavailable = RetryPolicy(
        maxAttempts: 3, perTryTimeout: .milliseconds(300), backoff: RetryBackoff(base: .milliseconds(1), max: .milliseconds(2)),
        conditions: [.unavailable], idempotent: true)

    @Test("a caller that gives up while a retry waits out its backoff gets .cancelled at once, not after the wait")
    func cancelDuringBackoff() async throws {
        // Full jitter over 30 s, ten attempts: however slow a loaded machine is to look, the call is all but
        // certainly waiting out a backoff when the caller gives up (a short draw only means one more attempt).
        let patient = RetryPolicy(
            maxAttempts: 10, perTryTimeout: nil, backoff: RetryBackoff(base: .seconds(30), max: .seconds(30)),
            conditions: [.unavailable], idempotent: true)
        let failing = Array(repeating: 14, count: 10)
        try await Self.withCluster(scripts: [failing, failing, failing], retry: patient) { cluster, endpoints, loop in
            let cancellation = CallCancellation()
            let promise = loop.makePromise(of: StatusWire.Reply.self)
            let ended = Mutex(false)
            promise.futureResult.whenComplete { _ in ended.withLock { $0 = true } }
            cluster.send(
                StatusWire.Call(timeout: .seconds(600), cancellation: cancellation), policy: nil, hashKey: nil, promise: promise)
            try await loop.submit {}.get()  // the call has started on the loop: its first attempt failed
            #expect(endpoints.map(\.calls).reduce(0, +) >= 1)
            #expect(!ended.withLock { $0 })
            cancellation.cancel()
            try await loop.submit {}.get()  // after the cancellation's hop to the loop
            #expect(ended.withLock { $0 })
            await #expect {
                _ = try await promise.futureResult.get()
            } throws: { ($0 as? ClientError)?.kind == .cancelled }
            let counters = cluster.budget.counters
            // The waiting retry gave its budget back.
            #expect(counters.retriesStarted >= 1 && counters.retriesFinished == counters.retriesStarted)
            #expect(counters.requestsFinished == 1)
        }
    }

    @Test("an endpoint removed before the attempt picked from the old set reached it costs the caller nothing")
    func removedBeforeSent() async throws {
        // No retry policy: the attempt is made again because it never happened, not because a policy allows it.
        try await Self.withCluster(scripts: [[-1], []]) { cluster, endpoints, loop in
            let promise = loop.makePromise(of: StatusWire.Reply.self)
            try await loop.submit {
                // The loop still has the old set when the call starts: the new one is a task queued behind this.
                cluster.update([WeightedEndpoint(Endpoint(host: "127.0.0.1", port: 2), weight: 1)])
                cluster.send(StatusWire.Call(timeout: .seconds(5)), policy: nil, hashKey: nil, promise: promise)
            }.get()
            let reply = try await promise.futureResult.get()
            #expect(reply.endpoint == 1 && reply.status == 0)
            #expect(endpoints.map(\.calls) == [1, 1])
            #expect(cluster.budget.counters.retriesStarted == 0)
        }
    }

    @Test("a shut-down transport that was not removed fails the call as before")
    func shutdownNotRemoved() async throws {
        try await Self.withCluster(scripts: [[-1], []]) { cluster, endpoints, loop in
            await #expect {
                _ = try await Self.call(cluster, on: loop)
            } throws: { ($0 as? ClientError)?.kind == .shutdown }
            #expect(endpoints.map(\.calls) == [1, 0])
        }
    }

    @Test("a reply whose status is in the retry list is retried on another endpoint, within the per-try timeout")
    func retriedReply() async throws {
        try await Self.withCluster(scripts: [[14], []], retry: Self.retryUnavailable) { cluster, endpoints, loop in
            let reply = try await Self.call(cluster, on: loop)
            #expect(reply.endpoint == 1 && reply.status == 0)
            #expect(endpoints.map(\.calls) == [1, 1])
            let timeouts = endpoints.flatMap { $0.timeouts.withLock { $0 } }
            #expect(timeouts.allSatisfy { $0 <= .milliseconds(300) && $0 > .zero })
        }
    }

    @Test("each endpoint counts its attempts, retries and failed replies for operators")
    func counts() async throws {
        try await Self.withCluster(scripts: [[14], []], retry: Self.retryUnavailable) { cluster, endpoints, loop in
            _ = try await Self.call(cluster, on: loop)
            let counts = await cluster.statuses().map(\.counts)
            #expect(counts == [
                EndpointStatus.Counts(attempts: 1, failures: 1),
                EndpointStatus.Counts(attempts: 1, retries: 1),
            ])
        }
    }

    @Test("a status that is neither retried nor the endpoint's failure is the answer, at once")
    func answeredStatus() async throws {
        try await Self.withCluster(scripts: [[5], []], retry: Self.retryUnavailable) { cluster, endpoints, loop in
            let reply = try await Self.call(cluster, on: loop)
            #expect(reply.endpoint == 0 && reply.status == 5)
            #expect(endpoints.map(\.calls) == [1, 0])
        }
    }

    @Test("when the attempts run out the caller gets the last failed reply, not an error")
    func lastReply() async throws {
        let twice = RetryPolicy(maxAttempts: 2, backoff: RetryBackoff(base: .milliseconds(1)), conditions: [.grpc(14)], idempotent: true)
        try await Self.withCluster(scripts: [[14], [14]], retry: twice) { cluster, endpoints, loop in
            let reply = try await Self.call(cluster, on: loop)
            #expect(reply.status == 14)
            #expect(endpoints.map(\.calls) == [1, 1])
        }
    }

    @Test("a written request is not retried without idempotent, whatever its status")
    func notIdempotent() async throws {
        var policy = Self.retryUnavailable
        policy.idempotent = false
        try await Self.withCluster(scripts: [[14], []], retry: policy) { cluster, endpoints, loop in
            let reply = try await Self.call(cluster, on: loop)
            #expect(reply.status == 14)
            #expect(endpoints.map(\.calls) == [1, 0])
        }
    }

    @Test("a call the wire says may not be repeated (a stream) is sent once")
    func streamSentOnce() async throws {
        try await Self.withCluster(scripts: [[14], []], retry: Self.retryUnavailable) { cluster, endpoints, loop in
            let reply = try await Self.call(cluster, on: loop, streaming: true)
            #expect(reply.status == 14)
            #expect(endpoints.map(\.calls) == [1, 0])
        }
    }

    @Test("failed replies count toward outlier ejection")
    func repliesEject() async throws {
        let outlier = OutlierPolicy(consecutiveFailures: 2, maxEjectionPercent: 50)
        try await Self.withCluster(
            scripts: [Array(repeating: 14, count: 100), []], weights: [1, 1], kind: .roundRobin, outlier: outlier
        ) { cluster, endpoints, loop in
            for _ in 0..<20 { _ = try await Self.call(cluster, on: loop) }
            #expect(endpoints[0].calls == 2)
            #expect(endpoints[1].calls == 18)
        }
    }
}
