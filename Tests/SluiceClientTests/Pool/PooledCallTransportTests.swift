import Logging
import NIOCore
import NIOPosix
import SluiceThrift
import SluiceThriftServer
import Testing

@testable import SluiceClient

@Suite("Pooled transport: one shard per event loop")
struct PooledCallTransportTests {
    @Test("maxConnections and maxIdleConnections are split across the loops, adding up to the totals")
    func shares() {
        #expect(PooledCallTransport.shardCount(loops: 4, maxConnections: 64) == 4)
        #expect(PooledCallTransport.shardCount(loops: 4, maxConnections: 2) == 2)
        #expect(PooledCallTransport.shardCount(loops: 1, maxConnections: 64) == 1)
        #expect((0..<4).map { PooledCallTransport.share(of: 10, shard: $0, shards: 4) } == [3, 3, 2, 2])
        #expect((0..<2).map { PooledCallTransport.share(of: 1, shard: $0, shards: 2) } == [1, 0])
    }

    @Test("calls made on one loop use that loop's shard: its share of maxConnections, on that loop")
    func callerLoopShard() async throws {
        let serverGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let server = try await ThriftServer.start(
            host: "127.0.0.1", port: 0, handler: EchoHandler(), group: serverGroup)
        var configuration = ThriftClientConfiguration(
            endpoints: [Endpoint(host: "127.0.0.1", port: server.port)], transport: .framed,
            serviceName: "EchoService")
        configuration.maxConnections = 4
        let client = ThriftClient(configuration: configuration, eventLoopGroup: clientGroup, logger: Logger(label: "t"))
        let loop = clientGroup.next()
        let replies = (Int32(0)..<20).map { n in
            client.call(
                method: "echo", oneway: false, arguments: argumentsBody(n, protocol: .binary), timeout: .seconds(5),
                on: loop)
        }
        for (n, reply) in replies.enumerated() {
            #expect(try await reply.get().body == argumentsBody(Int32(n), protocol: .binary))
        }
        // Twenty calls at once from one loop of two: that loop's shard opens at most its half of the four.
        #expect(server.connectionCount == 2)
        await client.shutdown()
        try await server.shutdown()
        try await clientGroup.shutdownGracefully()
        try await serverGroup.shutdownGracefully()
    }
}
