import NIOCore
import NIOPosix
import NIOSSL

/// A server on 127.0.0.1 that speaks no protocol: on each connection (over TLS with a context) it sends
/// `greeting`, then ignores what arrives, or closes at the first bytes.
final class RawPeer: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let greeting: [UInt8]
    let closeOnData: Bool

    init(greeting: [UInt8], closeOnData: Bool) {
        self.greeting = greeting
        self.closeOnData = closeOnData
    }

    func channelActive(context: ChannelHandlerContext) {
        if !greeting.isEmpty { context.writeAndFlush(NIOAny(ByteBuffer(bytes: greeting)), promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if closeOnData { context.close(promise: nil) }
    }

    /// Runs `body` with the peer's port and a group for clients, then stops both.
    static func serve(
        tls: NIOSSLContext? = nil,
        greeting: [UInt8] = [],
        closeOnData: Bool = false,
        _ body: (Int, any EventLoopGroup) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let listener = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(RawPeer(greeting: greeting, closeOnData: closeOnData))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        var failure: (any Error)?
        do { try await body(listener.localAddress?.port ?? 0, group) } catch { failure = error }
        try? await listener.close()
        try await group.shutdownGracefully()
        if let failure { throw failure }
    }
}
