import Logging
import NIOCore
import NIOPosix
import SluiceThrift
import Testing

@testable import SluiceClient

/// What a cluster attempt tells the backend of its deadline: TTHeader's RPCTimeout (int key 12, ms), as Kitex.
@Suite("Cluster deadline propagation")
struct ClusterDeadlineTests {
    static func rpcTimeout(perTry: TimeAmount?, timeout: TimeAmount) async throws -> Int? {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bytes = NIOLockedBytes()
        let listener = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RequestHeaderTests.Capture(bytes: bytes))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let endpoint = Endpoint(host: "127.0.0.1", port: listener.localAddress?.port ?? 0)
        let client = ThriftClient(
            configuration: ThriftClientConfiguration(
                endpoints: [], serviceName: "EchoService",
                cluster: ClusterConfiguration(endpoints: [WeightedEndpoint(endpoint)], retry: RetryPolicy(perTryTimeout: perTry))),
            eventLoopGroup: group, logger: Logger(label: "t"))
        let reply = client.call(
            method: "Say", oneway: false, arguments: argumentsBody(3, protocol: .binary), timeout: timeout,
            on: group.next())
        var decoder = ThriftFrameDecoder(transport: .ttheader)
        var frame: ThriftFrame?
        for _ in 0..<200 where frame == nil {
            try await Task.sleep(for: .milliseconds(5))
            var received = bytes.snapshot()
            frame = try decoder.decode(buffer: &received)
        }
        await client.shutdown()
        _ = try? await reply.get()
        try? await listener.close()
        try await group.shutdownGracefully()
        guard case .ttheader(let header) = try #require(frame).envelope else { return nil }
        return header.intInfo[.rpcTimeout].flatMap { Int($0) }
    }

    @Test("an attempt with a per-try timeout sends that timeout")
    func perTry() async throws {
        #expect(try await Self.rpcTimeout(perTry: .milliseconds(250), timeout: .seconds(5)) == 250)
    }

    @Test("an attempt without one sends what is left of the call's timeout")
    func remaining() async throws {
        let sent = try await Self.rpcTimeout(perTry: nil, timeout: .milliseconds(1500))
        #expect(sent.map { (1...1500).contains($0) } == true)
    }
}
