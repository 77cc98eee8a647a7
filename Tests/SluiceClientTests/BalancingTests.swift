import Logging
import NIOCore
import NIOPosix
import SluiceClient
import SluiceThrift
import SluiceThriftServer
import Synchronization
import Testing

@Suite("Round-robin over endpoints")
struct BalancingTests {
    @Test("calls alternate between two endpoints", arguments: [
        ThriftTransportKind.ttheader, .theader, .framed, .buffered,
    ])
    func alternates(transport: ThriftTransportKind) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let handlers = [EchoHandler(), EchoHandler()]
        var servers: [ThriftServer] = []
        for handler in handlers {
            servers.append(try await ThriftServer.start(host: "127.0.0.1", port: 0, handler: handler, group: group))
        }
        let client = ThriftClient(
            configuration: ThriftClientConfiguration(
                endpoints: servers.map { Endpoint(host: "127.0.0.1", port: $0.port) }, transport: transport,
                serviceName: "EchoService"),
            eventLoopGroup: group, logger: Logger(label: "t"))
        // Ten calls from each loop: every loop alternates between the endpoints.
        for loop in group.makeIterator() {
            for n in Int32(0)..<10 {
                let reply = try await client.call(
                    method: "echo", oneway: false, arguments: argumentsBody(n, protocol: .binary), timeout: nil,
                    on: loop
                ).get()
                #expect(reply.body == argumentsBody(n, protocol: .binary))
            }
        }
        #expect(handlers.map { $0.calls.load(ordering: .relaxed) } == [10, 10])
        if transport.isMultiplexed {
            #expect(servers.map(\.connectionCount) == [2, 2])
        }
        await client.shutdown()
        for server in servers { try await server.shutdown() }
        try await group.shutdownGracefully()
    }
}

extension BalancingTests {
    @Test("multiplexed calls stay on the caller's event loop when it has connections", arguments: [
        ThriftTransportKind.ttheader, .theader,
    ])
    func loopAffinity(transport: ThriftTransportKind) async throws {
        let serverGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let server = try await ThriftServer.start(
            host: "127.0.0.1", port: 0, handler: EchoHandler(), group: serverGroup)
        let client = ThriftClient(
            configuration: ThriftClientConfiguration(
                endpoints: [Endpoint(host: "127.0.0.1", port: server.port)], transport: transport,
                serviceName: "EchoService"),
            eventLoopGroup: clientGroup, logger: Logger(label: "t"))
        let loop = clientGroup.next()
        for n in Int32(0)..<20 {
            let reply = try await client.call(
                method: "echo", oneway: false, arguments: argumentsBody(n, protocol: .binary), timeout: nil, on: loop
            ).get()
            #expect(reply.body == argumentsBody(n, protocol: .binary))
        }
        // Two connections per endpoint over two loops: one lives on the caller's loop and carries every call.
        #expect(server.connectionCount == 1)
        await client.shutdown()
        try await server.shutdown()
        try await clientGroup.shutdownGracefully()
        try await serverGroup.shutdownGracefully()
    }
}
