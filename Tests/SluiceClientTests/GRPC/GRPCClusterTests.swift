import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import SluiceClient

/// A ``GRPCClient`` with a cluster configuration against grpcio: attempts on one-endpoint clients, a dead
/// endpoint retried past, statuses answered, each attempt's grpc-timeout, and streams through the balancer.
@Suite("gRPC client through a cluster", .enabled(if: GRPCTestServer.isEnabled, "python3 has no grpcio (pip install grpcio)"))
struct GRPCClusterTests {
    /// The test server's plain port, and a port nothing listens on weighted to be picked first.
    static func withClusterClient(
        retry: RetryPolicy?, dead: Bool = true, _ body: (GRPCClient, any EventLoop) async throws -> Void
    ) async throws {
        let ports = try GRPCTestServer.ports()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let refused = try RefusedPort()
        let refusedPort = refused.port
        let live = WeightedEndpoint(Endpoint(host: "127.0.0.1", port: ports.plain), weight: 1)
        let cluster = ClusterConfiguration(
            endpoints: dead ? [WeightedEndpoint(Endpoint(host: "127.0.0.1", port: refusedPort), weight: 100), live] : [live],
            balancer: BalancerConfiguration(kind: .weightedRoundRobin), retry: retry)
        let client = GRPCClient(
            configuration: GRPCClientConfiguration(endpoints: [], cluster: cluster, serviceName: "test"),
            eventLoopGroup: group, logger: Logger(label: "grpc-cluster-test"))
        var failure: (any Error)?
        do { try await body(client, group.next()) } catch { failure = error }
        withExtendedLifetime(refused) {}
        await client.shutdown()
        try await group.shutdownGracefully()
        if let failure { throw failure }
    }

    static let retry = RetryPolicy(
        maxAttempts: 2, perTryTimeout: .milliseconds(800), backoff: RetryBackoff(base: .milliseconds(1)),
        conditions: [.connectFailure, .unavailable])

    @Test("a dead endpoint is retried past; the server sees the attempt's own grpc-timeout")
    func retriedPastDeadEndpoint() async throws {
        try await Self.withClusterClient(retry: Self.retry) { client, loop in
            let reply = try await GRPCClientTests.call(client, "Echo", "hi", timeout: .seconds(10), on: loop)
            #expect(reply.isOK)
            #expect(reply.message.map { String(buffer: $0) } == "hi")
            let remaining = GRPCClientTests.value(reply.trailers, "x-deadline-ms").flatMap(Int.init)
            #expect(remaining.map { (1...800).contains($0) } == true, "server saw \(String(describing: remaining)) ms")
        }
    }

    @Test("without a retry the dead endpoint's connect failure is the call's error")
    func noRetry() async throws {
        try await Self.withClusterClient(retry: nil) { client, loop in
            await #expect(throws: ClientError.self) {
                _ = try await GRPCClientTests.call(client, "Echo", on: loop)
            }
        }
    }

    @Test("a status that is not retried is the reply, details and all")
    func statusAnswered() async throws {
        try await Self.withClusterClient(retry: Self.retry) { client, loop in
            let reply = try await GRPCClientTests.call(client, "Fail", on: loop)
            #expect(reply.statusCode == 5)
            #expect(reply.statusDetails != nil)
        }
    }

    @Test("a server stream goes through the cluster to its endpoint")
    func serverStream() async throws {
        try await Self.withClusterClient(retry: Self.retry, dead: false) { client, loop in
            let received = GRPCServerStreamingTests.Received()
            let stream = client.serverStreamingCall(
                path: GRPCTestServer.service + "CountUp", message: ByteBuffer(string: "3"), timeout: .seconds(60),
                on: loop, onMessage: received.append)
            stream.request(.max)
            let reply = try await stream.reply.get()
            #expect(reply.isOK)
            #expect(received.messages.withLock { $0 } == ["message 0", "message 1", "message 2"])
        }
    }

    @Test("a stream whose attempt failed before its stream opened goes to another endpoint, messages and all")
    func streamRetriedBeforeOpening() async throws {
        try await Self.withClusterClient(retry: Self.retry) { client, loop in
            let received = GRPCServerStreamingTests.Received()
            let stream = client.serverStreamingCall(
                path: GRPCTestServer.service + "CountUp", message: ByteBuffer(string: "3"), timeout: .seconds(60),
                on: loop, onMessage: received.append)
            stream.request(.max)  // asked before any stream opened: it reaches the attempt that opens one
            let reply = try await stream.reply.get()
            #expect(reply.isOK)
            #expect(received.messages.withLock { $0 } == ["message 0", "message 1", "message 2"])

            // Messages sent while the first attempt still connects to the dead endpoint go out on the second.
            let (requests, joined) = client.clientStreamingCall(
                path: GRPCTestServer.service + "Join", timeout: .seconds(60), on: loop)
            let sent = ["a", "b", "c"].map { requests.send(ByteBuffer(string: $0)) }
            requests.finish()
            for send in sent { try await send.get() }
            let answer = try await joined.get()
            #expect(answer.isOK)
            #expect(answer.message.map { String(buffer: $0) } == "a,b,c")
        }
    }

    @Test("without a retry a stream to the dead endpoint fails, and so do the messages that waited for it")
    func streamNotRetriedWithoutPolicy() async throws {
        try await Self.withClusterClient(retry: nil) { client, loop in
            let (requests, joined) = client.clientStreamingCall(
                path: GRPCTestServer.service + "Join", timeout: .seconds(60), on: loop)
            let sent = requests.send(ByteBuffer(string: "a"))
            await #expect(throws: ClientError.self) { _ = try await joined.get() }
            await #expect(throws: ClientError.self) { try await sent.get() }
            // A message sent after the call ended fails at once.
            await #expect(throws: ClientError.self) { try await requests.send(ByteBuffer(string: "late")).get() }
        }
    }
}
