import NIOCore
import NIOPosix
import Synchronization

/// A bare TCP connection for byte-exact server tests: sends bytes, collects whatever comes back.
final class RawConnection: Sendable {
    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received: NIOLockedBytes

        init(received: NIOLockedBytes) { self.received = received }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received.append(unwrapInboundIn(data))
        }
    }

    let channel: any Channel
    let received: NIOLockedBytes

    private init(channel: any Channel, received: NIOLockedBytes) {
        self.channel = channel
        self.received = received
    }

    static func connect(port: Int, group: any EventLoopGroup) async throws -> RawConnection {
        let received = NIOLockedBytes()
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(received: received))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, received: received)
    }

    func send(_ bytes: ByteBuffer) async throws {
        try await channel.writeAndFlush(bytes)
    }

    /// Waits (up to 2 s) until at least `count` bytes arrived.
    func receive(atLeast count: Int) async throws -> ByteBuffer {
        for _ in 0..<200 {
            if received.count >= count { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        return received.snapshot()
    }

    func close() async {
        try? await channel.close()
    }
}

/// Bytes appended from the event loop and read from the test.
final class NIOLockedBytes: Sendable {
    private let buffer = Mutex(ByteBuffer())

    func append(_ bytes: ByteBuffer) {
        var bytes = bytes
        buffer.withLock { _ = $0.writeBuffer(&bytes) }
    }

    var count: Int { buffer.withLock { $0.readableBytes } }

    func snapshot() -> ByteBuffer { buffer.withLock { $0 } }
}
