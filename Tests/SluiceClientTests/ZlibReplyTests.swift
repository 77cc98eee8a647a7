import Logging
import NIOCore
import NIOPosix
import SluiceClient
import SluiceThrift
import Testing

/// A THeader peer that compresses its replies (as an Apache server configured for ZLIB does).
@Suite("THeader ZLIB replies")
struct ZlibReplyTests {
    final class ZlibEchoHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            do {
                // Test requests are small and arrive in one read.
                var decoder = ThriftFrameDecoder(transport: .theader)
                while let frame = try decoder.decode(buffer: &bytes) {
                    var body = frame.payload
                    let request = try ThriftMessageHeader.read(from: &body, protocol: frame.protocolKind)
                    var out = ByteBuffer()
                    let start = try THeader(
                        sequenceID: request.sequenceID, protocolKind: frame.protocolKind, transforms: [.zlib],
                        info: ["server": "zlib"]
                    ).writeFrameStart(into: &out)
                    ThriftMessageHeader(name: request.name, type: .reply, sequenceID: request.sequenceID)
                        .write(to: &out, protocol: frame.protocolKind)
                    out.writeBuffer(&body)
                    try start.finish(in: &out)
                    context.writeAndFlush(wrapOutboundOut(out), promise: nil)
                }
            } catch {
                context.close(promise: nil)
            }
        }
    }

    @Test("the client inflates a ZLIB reply", arguments: ThriftProtocolKind.allCases)
    func inflatesReply(kind: ThriftProtocolKind) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let listener = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ZlibEchoHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let client = ThriftClient(
            configuration: ThriftClientConfiguration(
                endpoints: [Endpoint(host: "127.0.0.1", port: listener.localAddress?.port ?? 0)],
                transport: .theader, protocolKind: kind, serviceName: "S"),
            eventLoopGroup: group, logger: Logger(label: "t"))
        for n in Int32(1)...3 {
            let reply = try await client.call(
                method: "echo", oneway: false, arguments: argumentsBody(n, protocol: kind), timeout: nil,
                on: group.next()
            ).get()
            #expect(reply.messageType == .reply)
            #expect(reply.body == argumentsBody(n, protocol: kind))
        }
        await client.shutdown()
        try await listener.close()
        try await group.shutdownGracefully()
    }
}
