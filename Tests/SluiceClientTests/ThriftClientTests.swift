import Logging
import NIOCore
import NIOPosix
import SluiceClient
import SluiceThrift
import SluiceThriftServer
import Synchronization
import Testing

/// The client against a real ``ThriftServer`` on loopback.
@Suite("ThriftClient over loopback")
struct ThriftClientTests {
    struct Harness {
        let server: ThriftServer
        let handler: EchoHandler
        let serverGroup: MultiThreadedEventLoopGroup
        let clientGroup: MultiThreadedEventLoopGroup

        func configuration(
            _ transport: ThriftTransportKind, _ kind: ThriftProtocolKind = .binary, port: Int? = nil
        ) -> ThriftClientConfiguration {
            ThriftClientConfiguration(
                endpoints: [Endpoint(host: "127.0.0.1", port: port ?? server.port)], transport: transport,
                protocolKind: kind, serviceName: "EchoService")
        }

        func client(_ configuration: ThriftClientConfiguration) -> ThriftClient {
            ThriftClient(configuration: configuration, eventLoopGroup: clientGroup, logger: Logger(label: "test"))
        }

        func call(
            _ client: ThriftClient, _ method: String, _ n: Int32, kind: ThriftProtocolKind = .binary,
            timeout: TimeAmount? = nil
        ) async throws -> ThriftReply {
            try await client.call(
                method: method, oneway: false, arguments: argumentsBody(n, protocol: kind), timeout: timeout,
                on: clientGroup.next()
            ).get()
        }
    }

    static func withHarness(_ body: (Harness) async throws -> Void) async throws {
        let serverGroup = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let handler = EchoHandler()
        let server = try await ThriftServer.start(host: "127.0.0.1", port: 0, handler: handler, group: serverGroup)
        let harness = Harness(server: server, handler: handler, serverGroup: serverGroup, clientGroup: clientGroup)
        var failure: (any Error)?
        do { try await body(harness) } catch { failure = error }
        try? await server.shutdown()
        try await clientGroup.shutdownGracefully()
        try await serverGroup.shutdownGracefully()
        if let failure { throw failure }
    }

    /// Polls `condition` every 10 ms until it holds or `within` passes.
    static func eventually(within: Duration = .milliseconds(700), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + within
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    static func clientError(_ body: () async throws -> Void) async -> ClientError? {
        do {
            try await body()
            return nil
        } catch let error as ClientError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    static let everyTransport: [(ThriftTransportKind, ThriftProtocolKind)] = [
        (.ttheader, .binary), (.ttheader, .compact), (.theader, .binary), (.theader, .compact),
        (.framed, .binary), (.framed, .compact), (.buffered, .binary), (.buffered, .compact),
    ]

    @Test("200 parallel requests over 2 multiplexed connections all get their own answers", arguments: [
        ThriftTransportKind.ttheader, .theader,
    ])
    func parallel(transport: ThriftTransportKind) async throws {
        try await Self.withHarness { harness in
            for kind in ThriftProtocolKind.allCases {
                let client = harness.client(harness.configuration(transport, kind))
                try await withThrowingTaskGroup(of: (Int32, ThriftReply).self) { group in
                    for n in Int32(0)..<200 {
                        group.addTask { (n, try await harness.call(client, "echo", n, kind: kind)) }
                    }
                    var answered = 0
                    for try await (n, reply) in group {
                        #expect(reply.messageType == .reply)
                        #expect(reply.body == argumentsBody(n, protocol: kind))
                        answered += 1
                    }
                    #expect(answered == 200)
                }
                #expect(harness.server.connectionCount == 2)
                await client.shutdown()
                // The server notices the close asynchronously; the next round counts its own connections.
                #expect(await Self.eventually(within: .seconds(5)) { harness.server.connectionCount == 0 })
            }
        }
    }

    @Test("every transport and protocol round trips a call")
    func everyTransport() async throws {
        try await Self.withHarness { harness in
            for (transport, kind) in Self.everyTransport {
                let client = harness.client(harness.configuration(transport, kind))
                for n in Int32(1)...3 {
                    let reply = try await harness.call(client, "echo", n, kind: kind)
                    #expect(reply.body == argumentsBody(n, protocol: kind), "\(transport) \(kind)")
                }
                await client.shutdown()
            }
        }
    }

    @Test("a TApplicationException comes back as an EXCEPTION reply", arguments: [
        ThriftTransportKind.ttheader, .framed, .buffered,
    ])
    func exceptions(transport: ThriftTransportKind) async throws {
        try await Self.withHarness { harness in
            let client = harness.client(harness.configuration(transport))
            let failed = try await harness.call(client, "fail", 1)
            #expect(failed.messageType == .exception)
            let exception = try #require(readApplicationException(failed.body))
            #expect(exception.type == 6)
            #expect(exception.message == "it broke")
            let unknown = try await harness.call(client, "missing", 1)
            #expect(readApplicationException(unknown.body)?.type == 1)
            let boom = try await harness.call(client, "boom", 1)
            #expect(readApplicationException(boom.body)?.type == 6)
            // The connection is still good.
            let reply = try await harness.call(client, "echo", 9)
            #expect(reply.body == argumentsBody(9, protocol: .binary))
            await client.shutdown()
        }
    }

    @Test("a request with no answer times out; the late reply of a slow one is dropped and the connection keeps working")
    func timeouts() async throws {
        try await Self.withHarness { harness in
            let client = harness.client(harness.configuration(.ttheader))
            let clock = ContinuousClock()
            let start = clock.now
            let silent = await Self.clientError { _ = try await harness.call(client, "silent", 1, timeout: .milliseconds(150)) }
            #expect(silent?.kind == .requestTimeout)
            // Only that the call's own timeout ended it, not a much later one: a loaded machine took 1.1 s.
            #expect(clock.now - start < .seconds(10))
            let slow = await Self.clientError { _ = try await harness.call(client, "slow", 2, timeout: .milliseconds(100)) }
            #expect(slow?.kind == .requestTimeout)
            try await Task.sleep(for: .milliseconds(300))
            for n in Int32(3)...6 {
                let reply = try await harness.call(client, "echo", n)
                #expect(reply.body == argumentsBody(n, protocol: .binary))
            }
            await client.shutdown()
        }
    }

    @Test("framed, buffered: a timed-out connection is closed rather than reused", arguments: [
        ThriftTransportKind.framed, .buffered,
    ])
    func framedTimeoutCloses(transport: ThriftTransportKind) async throws {
        try await Self.withHarness { harness in
            var configuration = harness.configuration(transport)
            configuration.maxConnections = 1
            let client = harness.client(configuration)
            let reply = try await harness.call(client, "echo", 1)
            #expect(reply.body == argumentsBody(1, protocol: .binary))
            let slow = await Self.clientError { _ = try await harness.call(client, "slow", 2, timeout: .milliseconds(100)) }
            #expect(slow?.kind == .requestTimeout)
            // The next call gets a fresh connection and its own answer, not the slow call's late reply.
            for n in Int32(3)...5 {
                let reply = try await harness.call(client, "echo", n)
                #expect(reply.body == argumentsBody(n, protocol: .binary))
            }
            await client.shutdown()
        }
    }

    @Test("killing the server fails every request in flight at once, and the client reconnects afterwards",
          arguments: [ThriftTransportKind.ttheader, .theader, .framed, .buffered])
    func serverKilled(transport: ThriftTransportKind) async throws {
        let serverGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let handler = EchoHandler()
        let server = try await ThriftServer.start(host: "127.0.0.1", port: 0, handler: handler, group: serverGroup)
        let port = server.port
        var configuration = ThriftClientConfiguration(
            endpoints: [Endpoint(host: "127.0.0.1", port: port)], transport: transport, serviceName: "EchoService")
        configuration.requestTimeout = .seconds(10)
        let client = ThriftClient(configuration: configuration, eventLoopGroup: clientGroup, logger: Logger(label: "t"))
        let futures = (0..<10).map { n in
            client.call(
                method: "silent", oneway: false, arguments: argumentsBody(Int32(n), protocol: .binary), timeout: nil,
                on: clientGroup.next())
        }
        // Every call in flight, written and received: a call not yet written when the connection closes is sent
        // again on a new one, and on a loaded machine a concurrent test may have bound the freed port by then.
        for _ in 0..<1000 where handler.calls.load(ordering: .relaxed) < futures.count {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(handler.calls.load(ordering: .relaxed) == futures.count)
        try await server.shutdown()
        // At once, not at the calls' 10 s timeout (which would fail them with requestTimeout).
        for future in futures {
            let error = await Self.clientError { _ = try await future.get() }
            #expect(error?.kind == .connectionClosed)
        }

        let restarted = try await ThriftServer.start(
            host: "127.0.0.1", port: port, handler: EchoHandler(), group: serverGroup)
        let reply = try await client.call(
            method: "echo", oneway: false, arguments: argumentsBody(42, protocol: .binary), timeout: nil,
            on: clientGroup.next()
        ).get()
        #expect(reply.body == argumentsBody(42, protocol: .binary))
        await client.shutdown()
        try await restarted.shutdown()
        try await clientGroup.shutdownGracefully()
        try await serverGroup.shutdownGracefully()
    }

    @Test("framed pool: never more than maxConnections; callers beyond wait in line and time out on their own deadline")
    func poolLimits() async throws {
        try await Self.withHarness { harness in
            var configuration = harness.configuration(.framed)
            configuration.maxConnections = 2
            configuration.maxIdleConnections = 2
            let client = harness.client(configuration)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in Int32(0)..<50 {
                    group.addTask {
                        let reply = try await harness.call(client, "echo", n)
                        #expect(reply.body == argumentsBody(n, protocol: .binary))
                    }
                }
                try await group.waitForAll()
            }
            #expect(harness.server.connectionCount <= 2)

            // Both connections busy with silent calls: a third caller waits and fails on its own, shorter timeout.
            var one = harness.configuration(.framed)
            one.maxConnections = 1
            let single = harness.client(one)
            let blocker = single.call(
                method: "silent", oneway: false, arguments: argumentsBody(1, protocol: .binary),
                timeout: .milliseconds(600), on: harness.clientGroup.next())
            try await Task.sleep(for: .milliseconds(50))
            let clock = ContinuousClock()
            let start = clock.now
            let waiting = await Self.clientError { _ = try await harness.call(single, "echo", 2, timeout: .milliseconds(150)) }
            #expect(waiting?.kind == .requestTimeout)
            #expect(clock.now - start < .milliseconds(500))
            let blocked = await Self.clientError { _ = try await blocker.get() }
            #expect(blocked?.kind == .requestTimeout)
            // After the blocker's connection was dropped, the pool opens a new one.
            let reply = try await harness.call(single, "echo", 3)
            #expect(reply.body == argumentsBody(3, protocol: .binary))
            await single.shutdown()
            await client.shutdown()
        }
    }

    @Test("framed pool: a burst's connections stay open until the idle timer trims them down to maxIdle")
    func poolIdle() async throws {
        try await Self.withHarness { harness in
            // One loop, so the whole pool is one shard and the limits apply undivided.
            let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            var configuration = harness.configuration(.framed)
            configuration.maxConnections = 4
            configuration.maxIdleConnections = 1
            configuration.idleTimeout = .seconds(1)
            let client = ThriftClient(configuration: configuration, eventLoopGroup: clientGroup, logger: Logger(label: "t"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in Int32(0)..<4 {
                    group.addTask {
                        _ = try await client.call(
                            method: "slow", oneway: false, arguments: argumentsBody(n, protocol: .binary),
                            timeout: .seconds(5), on: clientGroup.next()
                        ).get()
                    }
                }
                try await group.waitForAll()
            }
            #expect(harness.server.connectionCount == 4)
            // The timer closes the three beyond maxIdle...
            #expect(await Self.eventually(within: .seconds(5)) { harness.server.connectionCount == 1 })
            // ...and keeps the last one past further timeouts.
            try await Task.sleep(for: .milliseconds(2500))
            #expect(harness.server.connectionCount == 1)
            let reply = try await client.call(
                method: "echo", oneway: false, arguments: argumentsBody(7, protocol: .binary), timeout: nil,
                on: clientGroup.next()
            ).get()
            #expect(reply.body == argumentsBody(7, protocol: .binary))
            #expect(harness.server.connectionCount == 1)
            await client.shutdown()
            try await clientGroup.shutdownGracefully()
        }
    }

    @Test("oneway calls complete once written and reach the server", arguments: [
        ThriftTransportKind.ttheader, .framed, .buffered,
    ])
    func oneway(transport: ThriftTransportKind) async throws {
        try await Self.withHarness { harness in
            var configuration = harness.configuration(transport)
            // One connection, so the call after the oneways is read after all of them.
            configuration.connectionsPerEndpoint = 1
            configuration.maxConnections = 1
            let client = harness.client(configuration)
            for n in Int32(0)..<5 {
                let reply = try await client.call(
                    method: "notify", oneway: true, arguments: argumentsBody(n, protocol: .binary), timeout: nil,
                    on: harness.clientGroup.next()
                ).get()
                #expect(reply.messageType == .oneway)
            }
            // A normal call after them proves they were all read (the server handles a connection in order).
            _ = try await harness.call(client, "echo", 1)
            #expect(harness.handler.onewayCalls.load(ordering: .relaxed) == 5)
            await client.shutdown()
        }
    }

    @Test("connection refused fails fast with connectFailed", arguments: [ThriftTransportKind.ttheader, .framed])
    func refused(transport: ThriftTransportKind) async throws {
        try await Self.withHarness { harness in
            let refused = try RefusedPort()
            let client = harness.client(harness.configuration(transport, port: refused.port))
            let error = await Self.clientError { _ = try await harness.call(client, "echo", 1) }
            withExtendedLifetime(refused) {}
            #expect(error?.kind == .connectFailed)
            await client.shutdown()
        }
    }

    @Test("calls after shutdown fail with .shutdown")
    func afterShutdown() async throws {
        try await Self.withHarness { harness in
            for transport in [ThriftTransportKind.ttheader, .framed] {
                let client = harness.client(harness.configuration(transport))
                _ = try await harness.call(client, "echo", 1)
                await client.shutdown()
                let error = await Self.clientError { _ = try await harness.call(client, "echo", 2) }
                #expect(error?.kind == .shutdown)
            }
        }
    }
}
