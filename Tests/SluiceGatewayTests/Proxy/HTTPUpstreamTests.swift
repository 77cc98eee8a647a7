import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SluiceClient
import SluiceThrift
import Testing
@testable import SluiceGateway

/// The pooled upstream connections of an http service, against a real loopback listener that counts the
/// connections it accepts and tells when they close.
@Suite("HTTP upstream pool")
struct HTTPUpstreamTests {
    /// Counts accepted connections; completes `closed` when the first one closes.
    final class Listener: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let accepted = NIOLockedValueBox(0)
        let closed: EventLoopPromise<Void>

        init(closed: EventLoopPromise<Void>) { self.closed = closed }

        func channelActive(context: ChannelHandlerContext) { accepted.withLockedValue { $0 += 1 } }

        func channelInactive(context: ChannelHandlerContext) { closed.succeed() }
    }

    @Test("a released connection is reused; an upstream nothing uses any more closes its idle connections")
    func reuseAndRetire() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let listener = Listener(closed: loop.makePromise())
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(listener) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        var configuration = ServiceConfiguration(
            name: "web", idlPath: "", endpoints: [Endpoint(host: "127.0.0.1", port: port)],
            origin: SourceLocation(file: "web.yaml", line: 1, column: 1))
        configuration.kind = .http
        var upstream: HTTPUpstream? = HTTPUpstream(configuration: configuration, group: group, logger: Logger(label: "test"))
        let pool = try #require(upstream?.pools.first)
        for _ in 0..<3 {
            let link = try await loop.flatSubmit {
                let promise = loop.makePromise(of: UpstreamLink.self)
                pool.link(on: loop, deadline: .now() + .seconds(10), webSocket: false) { promise.completeWith($0) }
                return promise.futureResult
            }.get()
            try await loop.submit { link.release(reusable: true) }.get()
        }
        #expect(listener.accepted.withLockedValue { $0 } == 1)
        upstream = nil
        // Fails the test instead of hanging it if the connection stays open.
        let guardTimer = loop.scheduleTask(in: .seconds(30)) { listener.closed.fail(ChannelError.alreadyClosed) }
        try await listener.closed.futureResult.get()
        guardTimer.cancel()
        try await server.close()
        try await group.shutdownGracefully()
    }
}
