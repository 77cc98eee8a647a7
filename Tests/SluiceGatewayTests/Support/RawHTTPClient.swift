import NIOCore
import NIOPosix

/// Sends raw bytes to a loopback port and reads back what the server writes.
enum RawHTTPClient {
    private final class Collector: ChannelInboundHandler, @unchecked Sendable {
        // @unchecked: used only on its channel's event loop; the promises are thread-safe.
        typealias InboundIn = ByteBuffer
        var received = ByteBuffer()
        let firstRead: EventLoopPromise<Void>
        let done: EventLoopPromise<String>

        init(firstRead: EventLoopPromise<Void>, done: EventLoopPromise<String>) {
            self.firstRead = firstRead
            self.done = done
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            received.writeBuffer(&buffer)
            firstRead.succeed()
        }

        func channelInactive(context: ChannelHandlerContext) {
            firstRead.succeed()
            done.succeed(String(buffer: received))
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }

    /// An open connection: `firstRead` completes when the server has written something (or closed);
    /// `everything` when it has closed, with all it wrote.
    struct Exchange {
        var firstRead: EventLoopFuture<Void>
        var everything: EventLoopFuture<String>
    }

    static func open(port: Int, _ request: String) async throws -> Exchange {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let firstRead = loop.makePromise(of: Void.self)
        let done = loop.makePromise(of: String.self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(Collector(firstRead: firstRead, done: done))
                    }
                }
                .connect(host: "127.0.0.1", port: port)
                .get()
        } catch {
            firstRead.fail(error)
            done.fail(error)
            throw error
        }
        try await channel.writeAndFlush(ByteBuffer(string: request))
        let timeout = channel.eventLoop.scheduleTask(in: .seconds(10)) { channel.close(promise: nil) }
        done.futureResult.whenComplete { _ in timeout.cancel() }
        return Exchange(firstRead: firstRead.futureResult, everything: done.futureResult)
    }

    /// Sends `request` and returns everything the server writes until it closes the connection.
    static func exchange(port: Int, _ request: String) async throws -> String {
        try await open(port: port, request).everything.get()
    }
}
