import Logging
import NIOCore
import NIOPosix
import SluiceThrift
import SluiceThriftServer
import Synchronization
@testable import SluiceClient

/// The transitions a checker reported, in order, and a way to wait for the next one.
final class TransitionLog: Sendable {
    let stream: AsyncStream<Transition>
    private let continuation: AsyncStream<Transition>.Continuation
    private let seen = Mutex<[Transition]>([])

    struct Transition: Sendable, Hashable {
        var endpoint: Endpoint
        var healthy: Bool
    }

    init() {
        (stream, continuation) = AsyncStream.makeStream()
    }

    var all: [Transition] { seen.withLock { $0 } }

    func record(_ endpoint: Endpoint, _ healthy: Bool) {
        seen.withLock { $0.append(Transition(endpoint: endpoint, healthy: healthy)) }
        continuation.yield(Transition(endpoint: endpoint, healthy: healthy))
    }

    /// The next `count` transitions.
    func next(_ count: Int = 1) async -> [Transition] {
        var got: [Transition] = []
        for await transition in stream {
            got.append(transition)
            if got.count == count { break }
        }
        return got
    }
}

enum HealthTest {
    static func policy(
        interval: TimeAmount = .milliseconds(20), timeout: TimeAmount = .milliseconds(20), healthy: Int = 1,
        unhealthy: Int = 1
    ) -> HealthCheckPolicy {
        HealthCheckPolicy(
            interval: interval, timeout: timeout, healthyThreshold: healthy, unhealthyThreshold: unhealthy)
    }

    static func checker(
        _ policy: HealthCheckPolicy, _ probe: HealthProbe, on loop: any EventLoop, log: TransitionLog
    ) -> HealthChecker {
        HealthChecker(policy: policy, probe: probe, eventLoop: loop, logger: Logger(label: "test.health")) {
            log.record($0, $1)
        }
    }

    /// Waits (by polling the checker, not the clock) until `endpoint` has had at least `probes` probes.
    static func waitForProbes(_ checker: HealthChecker, _ endpoint: Endpoint, atLeast probes: Int) async throws
        -> HealthChecker.Status
    {
        while true {
            if let status = try await checker.statuses().get()[endpoint], status.probes >= probes { return status }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// A port that refuses connections: bound, then closed (for a test that listens on it later; otherwise a
    /// ``RefusedPort`` keeps it refused).
    static func closedPort(group: any EventLoopGroup) async throws -> Int {
        let channel = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }

    static func listener(group: any EventLoopGroup, port: Int = 0) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: port).get()
    }
}

/// A Thrift backend whose methods answer as their names say, for the method probe.
final class HealthHandler: ThriftServiceHandler {
    func handle(method: String, arguments: ByteBuffer, protocol: ThriftProtocolKind, allocator: ByteBufferAllocator)
        throws -> ByteBuffer?
    {
        switch method {
        case "ping":
            // A void success: an empty `_result` struct.
            return ByteBuffer(bytes: [0x00])
        case "declared":
            // A declared exception, field 1 of `_result` (Binary): an answer from a live server.
            return ByteBuffer(bytes: [0x0C, 0x00, 0x01, 0x00, 0x00])
        case "stall":
            return nil
        default:
            throw ThriftApplicationFailure(type: .internalError, message: "unhealthy")
        }
    }
}
