import Logging
import NIOCore
import NIOPosix
import SluiceClient
import SluiceThrift
import Testing

/// Connects that never complete: a listener that never accepts, with its backlog filled, drops further SYNs.
@Suite("Connect timeouts")
struct ConnectTimeoutTests {
    static func withBlackhole(_ body: (Int, any EventLoopGroup) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1)
            .serverChannelOption(.autoRead, value: false)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = listener.localAddress?.port ?? 0
        // Fill the accept queue; these connects succeed (the kernel completes them), later ones hang.
        var fillers: [any Channel] = []
        for _ in 0..<4 {
            if let channel = try? await ClientBootstrap(group: group).connectTimeout(.milliseconds(100))
                .connect(host: "127.0.0.1", port: port).get()
            {
                fillers.append(channel)
            }
        }
        var failure: (any Error)?
        do { try await body(port, group) } catch { failure = error }
        for channel in fillers { try? await channel.close() }
        try? await listener.close()
        try await group.shutdownGracefully()
        if let failure { throw failure }
    }

    static func error(_ future: EventLoopFuture<ThriftReply>) async -> ClientError? {
        do {
            _ = try await future.get()
            return nil
        } catch {
            return error as? ClientError
        }
    }

    @Test("a call's own deadline wins over a longer connect timeout", arguments: [
        ThriftTransportKind.ttheader, .framed,
    ])
    func requestDeadlineWhileConnecting(transport: ThriftTransportKind) async throws {
        try await Self.withBlackhole { port, group in
            var configuration = ThriftClientConfiguration(
                endpoints: [Endpoint(host: "127.0.0.1", port: port)], transport: transport, serviceName: "S")
            configuration.connectTimeout = .seconds(5)
            let client = ThriftClient(configuration: configuration, eventLoopGroup: group, logger: Logger(label: "t"))
            let clock = ContinuousClock()
            let start = clock.now
            let error = await Self.error(
                client.call(method: "m", oneway: false, arguments: ByteBuffer(), timeout: .milliseconds(200), on: group.next()))
            #expect(error?.kind == .requestTimeout)
            #expect(clock.now - start < .seconds(2))
            await client.shutdown()
        }
    }

    @Test("a connect that does not complete fails with connectTimeout", arguments: [
        ThriftTransportKind.theader, .framed,
    ])
    func connectTimeout(transport: ThriftTransportKind) async throws {
        try await Self.withBlackhole { port, group in
            var configuration = ThriftClientConfiguration(
                endpoints: [Endpoint(host: "127.0.0.1", port: port)], transport: transport, serviceName: "S")
            configuration.connectTimeout = .milliseconds(200)
            let client = ThriftClient(configuration: configuration, eventLoopGroup: group, logger: Logger(label: "t"))
            let error = await Self.error(
                client.call(method: "m", oneway: false, arguments: ByteBuffer(), timeout: .seconds(5), on: group.next()))
            #expect(error?.kind == .connectTimeout)
            await client.shutdown()
        }
    }
}
