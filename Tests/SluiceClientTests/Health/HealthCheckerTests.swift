import NIOCore
import NIOPosix
import SluiceThrift
import SluiceThriftServer
import Testing
@testable import SluiceClient

/// The checker against real peers on loopback: what each probe kind counts as alive, hysteresis over real
/// probes, endpoints coming and going, and a stop that leaves nothing behind.
@Suite("HealthChecker")
struct HealthCheckerTests {
    static func withGroup(_ body: (MultiThreadedEventLoopGroup) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        do {
            try await body(group)
        } catch {
            try await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }

    @Test("TCP: a listening port stays up, a closed port goes down once")
    func tcp() async throws {
        try await Self.withGroup { group in
            let listener = try await HealthTest.listener(group: group)
            let up = Endpoint(host: "127.0.0.1", port: listener.localAddress?.port ?? 0)
            let refused = try RefusedPort()
            defer { withExtendedLifetime(refused) {} }
            let down = Endpoint(host: "127.0.0.1", port: refused.port)
            let log = TransitionLog()
            let checker = HealthTest.checker(
                HealthTest.policy(interval: .milliseconds(50), timeout: .milliseconds(50)), .tcp(),
                on: group.next(), log: log)
            checker.add(up)
            checker.add(down)
            #expect(await log.next() == [.init(endpoint: down, healthy: false)])
            _ = try await HealthTest.waitForProbes(checker, down, atLeast: 4)
            let upStatus = try await HealthTest.waitForProbes(checker, up, atLeast: 3)
            #expect(upStatus.isHealthy)
            // Still down, and reported once.
            #expect(log.all == [.init(endpoint: down, healthy: false)])
            try await checker.stop().get()
            try await listener.close()
        }
    }

    @Test("hysteresis: down after `unhealthy` failures in a row, up after `healthy` passes once it listens")
    func hysteresis() async throws {
        try await Self.withGroup { group in
            let port = try await HealthTest.closedPort(group: group)
            let endpoint = Endpoint(host: "127.0.0.1", port: port)
            let log = TransitionLog()
            let checker = HealthTest.checker(
                HealthTest.policy(healthy: 2, unhealthy: 3), .tcp(), on: group.next(), log: log)
            checker.add(endpoint)
            #expect(await log.next() == [.init(endpoint: endpoint, healthy: false)])
            let atDown = try await checker.statuses().get()[endpoint]
            // The transition is reported from the third probe's end; more may have ended since.
            #expect((atDown?.probes ?? 0) >= 3)
            let listener = try await HealthTest.listener(group: group, port: port)
            #expect(await log.next() == [.init(endpoint: endpoint, healthy: true)])
            #expect(try await checker.statuses().get()[endpoint]?.isHealthy == true)
            try await checker.stop().get()
            try await listener.close()
        }
    }

    @Test(
        "Thrift method: a reply or a declared exception passes; a TApplicationException or a stall fails",
        arguments: [("ping", true), ("declared", true), ("broken", false), ("stall", false)])
    func thriftMethod(method: String, alive: Bool) async throws {
        try await Self.withGroup { group in
            let server = try await ThriftServer.start(
                host: "127.0.0.1", port: 0, handler: HealthHandler(), group: group)
            let endpoint = Endpoint(host: "127.0.0.1", port: server.port)
            let log = TransitionLog()
            let probe = HealthProbe.thriftMethod(method, transport: .framed, protocol: .binary, serviceName: "Health")
            let checker = HealthTest.checker(
                HealthTest.policy(interval: .milliseconds(100), timeout: .milliseconds(100)), probe, on: group.next(),
                log: log)
            checker.add(endpoint)
            if alive {
                let status = try await HealthTest.waitForProbes(checker, endpoint, atLeast: 3)
                #expect(status.isHealthy)
                #expect(log.all.isEmpty)
            } else {
                #expect(await log.next() == [.init(endpoint: endpoint, healthy: false)])
            }
            try await checker.stop().get()
            try await server.shutdown()
        }
    }

    @Test("Thrift method over each transport the service may use", arguments: [
        ThriftTransportKind.framed, .buffered, .theader, .ttheader,
    ])
    func thriftTransports(transport: ThriftTransportKind) async throws {
        try await Self.withGroup { group in
            let server = try await ThriftServer.start(
                host: "127.0.0.1", port: 0, handler: HealthHandler(), group: group)
            let endpoint = Endpoint(host: "127.0.0.1", port: server.port)
            let log = TransitionLog()
            let checker = HealthTest.checker(
                HealthTest.policy(interval: .milliseconds(100), timeout: .milliseconds(100)),
                .thriftMethod("ping", transport: transport, protocol: .compact, serviceName: "Health"),
                on: group.next(), log: log)
            checker.add(endpoint)
            #expect(try await HealthTest.waitForProbes(checker, endpoint, atLeast: 2).isHealthy)
            #expect(log.all.isEmpty)
            try await checker.stop().get()
            try await server.shutdown()
        }
    }

    @Test("gRPC health: SERVING passes, NOT_SERVING fails", arguments: [(UInt8(1), true), (UInt8(2), false)])
    func grpcHealth(status: UInt8, alive: Bool) async throws {
        try await Self.withGroup { group in
            let server = try await FakeGRPCServer.start(group: group) { path in
                guard path == GRPCHealthCheck.path else { return .closeConnection }
                return .frames([
                    FakeGRPCServer.okHeaders, FakeGRPCServer.data([0, 0, 0, 0, 2, 0x08, status]),
                    FakeGRPCServer.okTrailers,
                ])
            }
            let endpoint = Endpoint(host: "127.0.0.1", port: server.port)
            let log = TransitionLog()
            let checker = HealthTest.checker(
                HealthTest.policy(interval: .milliseconds(100), timeout: .milliseconds(100)),
                .grpcHealth(service: "echo.Echo"), on: group.next(), log: log)
            checker.add(endpoint)
            if alive {
                #expect(try await HealthTest.waitForProbes(checker, endpoint, atLeast: 3).isHealthy)
                #expect(log.all.isEmpty)
            } else {
                #expect(await log.next() == [.init(endpoint: endpoint, healthy: false)])
            }
            try await checker.stop().get()
            // One-off connections: each probe opened its own.
            #expect(server.connections >= (alive ? 3 : 1))
            await server.stop()
        }
    }

    @Test("a Thrift service's probe: its thrift_method over its own transport, else a TCP connect")
    func thriftProbeFromPolicy() throws {
        let client = ThriftClientConfiguration(
            endpoints: [], transport: .theader, protocolKind: .compact, serviceName: "Store", maxFrameLength: 4096)
        var policy = HealthCheckPolicy()
        guard case .tcp = HealthProbe.thrift(policy, client: client).kind else {
            Issue.record("expected a TCP probe without thrift_method")
            return
        }
        policy.thriftMethod = try HealthCheckPolicy.MethodName(parsing: "Health.ping")
        guard case .thrift(let probe) = HealthProbe.thrift(policy, client: client).kind else {
            Issue.record("expected a Thrift method probe")
            return
        }
        #expect(probe.method == "ping")
        #expect(probe.transport == .theader && probe.protocolKind == .compact)
        #expect(probe.serviceName == "Store" && probe.maxFrameLength == 4096)
    }

    @Test("gRPC health messages: the request names the service, the response's status is field 1")
    func grpcMessages() {
        #expect(GRPCHealthCheck(service: "svc").request == ByteBuffer(bytes: [0x0A, 3, 0x73, 0x76, 0x63]))
        #expect(GRPCHealthCheck(service: "").request.readableBytes == 0)
        #expect(GRPCHealthCheck.status(of: ByteBuffer(bytes: [0x08, 0x01])) == 1)
        #expect(GRPCHealthCheck.status(of: ByteBuffer(bytes: [0x12, 0x01, 0x41, 0x08, 0x02])) == 2)
        #expect(GRPCHealthCheck.status(of: ByteBuffer()) == 0)
        #expect(GRPCHealthCheck.status(of: ByteBuffer(bytes: [0x08])) == nil)
    }

    @Test("endpoints added and removed while it runs: a removed one reports nothing more")
    func addRemove() async throws {
        try await Self.withGroup { group in
            let refused = try RefusedPort()
            defer { withExtendedLifetime(refused) {} }
            let first = Endpoint(host: "127.0.0.1", port: refused.port)
            let listener = try await HealthTest.listener(group: group)
            let second = Endpoint(host: "127.0.0.1", port: listener.localAddress?.port ?? 0)
            let log = TransitionLog()
            let checker = HealthTest.checker(HealthTest.policy(), .tcp(), on: group.next(), log: log)
            checker.add(first)
            #expect(await log.next() == [.init(endpoint: first, healthy: false)])
            checker.remove(first)
            checker.add(second)
            _ = try await HealthTest.waitForProbes(checker, second, atLeast: 3)
            #expect(try await checker.statuses().get().keys.sorted { $0.port < $1.port } == [second])
            #expect(log.all == [.init(endpoint: first, healthy: false)])
            // Added again, it starts afresh: up, and then down once more.
            checker.add(first)
            #expect(await log.next() == [.init(endpoint: first, healthy: false)])
            try await checker.stop().get()
            try await listener.close()
        }
    }

    @Test("stop closes a probe in flight and leaves no timer; later adds are ignored")
    func stop() async throws {
        try await Self.withGroup { group in
            let server = try await ThriftServer.start(
                host: "127.0.0.1", port: 0, handler: HealthHandler(), group: group)
            let endpoint = Endpoint(host: "127.0.0.1", port: server.port)
            let log = TransitionLog()
            // A stall the probe would wait a minute for: only stop ends it.
            let checker = HealthTest.checker(
                HealthTest.policy(interval: .seconds(60), timeout: .seconds(60)),
                .thriftMethod("stall", transport: .framed, protocol: .binary, serviceName: "Health"),
                on: group.next(), log: log)
            checker.add(endpoint)
            while server.connectionCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
            #expect(try await checker.pendingWork.get() == 1)
            try await checker.stop().get()
            #expect(try await checker.pendingWork.get() == 0)
            #expect(try await checker.statuses().get().isEmpty)
            checker.add(endpoint)
            #expect(try await checker.statuses().get().isEmpty)
            #expect(log.all.isEmpty)
            try await server.shutdown()
        }
    }
}
