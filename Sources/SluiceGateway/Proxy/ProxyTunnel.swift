internal import NIOCore
internal import NIOHTTP1

/// After an upstream answered an upgrade (`101 Switching Protocols` to `Upgrade: websocket`), the client
/// and upstream stop speaking HTTP: their HTTP handlers leave and the bytes are relayed both ways as they are,
/// until either side closes. No frame is parsed: a pure relay needs none. Either side may be an HTTP/1.1
/// connection or an HTTP/2 stream carrying WebSocket by RFC 8441 (its DATA frames then carry the bytes).
enum ProxyTunnel {
    /// One side of a tunnel, as its HTTP handler describes it.
    struct End {
        var channel: any Channel
        /// Removed once the relay is in place: an HTTP decoder leaving then hands it what it read past the
        /// handshake.
        var httpHandlers: [any RemovableChannelHandler]
        /// Turns the channel's messages into bytes for the relay (an HTTP/2 stream's DATA frames), if needed.
        var bytes: (any ChannelHandler)?
        /// Bytes this side sent before the tunnel was there, relayed first.
        var early: [ByteBuffer] = []
    }

    /// Joins `client` and `upstream`, both on one event loop; call it there, after the handshake's answer
    /// was written to the client and the upstream's response `end` was read.
    static func join(client: End, upstream: End) {
        let clientRelay = Relay()
        let upstreamRelay = Relay()
        clientRelay.partner = upstreamRelay
        upstreamRelay.partner = clientRelay
        do {
            try attach(clientRelay, to: client)
            try attach(upstreamRelay, to: upstream)
            for bytes in client.early { upstreamRelay.send(bytes) }
            for bytes in upstream.early { clientRelay.send(bytes) }
            // The HTTP handlers may have held a read back (the request had ended; the client was slow): with
            // them gone nothing would ask again.
            client.channel.read()
            upstream.channel.read()
        } catch {
            // A pipeline not shaped as the listener and the pool built it: nothing can be relayed.
            client.channel.close(promise: nil)
            upstream.channel.close(promise: nil)
        }
    }

    private static func attach(_ relay: Relay, to end: End) throws {
        let pipeline = end.channel.pipeline.syncOperations
        if let bytes = end.bytes { try pipeline.addHandler(bytes) }
        try pipeline.addHandler(relay)
        for handler in end.httpHandlers { pipeline.removeHandler(handler, promise: nil) }
    }

    /// An HTTP/1.1 client connection: its request decoder and `handler` leave.
    static func http1Client(_ channel: any Channel, handler: any RemovableChannelHandler) throws -> End {
        let decoder = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
        return End(channel: channel, httpHandlers: [handler, decoder])
    }

    /// One side of the relay: what it reads goes to its partner's socket, read only while that socket takes
    /// more; when it closes, the partner closes once what was relayed to it is written.
    final class Relay: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        /// Cleared when either side closes, which breaks the pair's reference cycle.
        var partner: Relay?
        private var context: ChannelHandlerContext?
        private var heldRead = HeldRead()

        func handlerAdded(context: ChannelHandlerContext) { self.context = context }

        func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            partner?.send(unwrapInboundIn(data))
        }

        func channelWritabilityChanged(context: ChannelHandlerContext) {
            if context.channel.isWritable { partner?.resumeReading() }
            context.fireChannelWritabilityChanged()
        }

        func channelInactive(context: ChannelHandlerContext) {
            let partner = self.partner
            self.partner = nil
            partner?.partnerClosed()
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }

        func read(context: ChannelHandlerContext) {
            heldRead.read(context, allowed: partner?.context?.channel.isWritable ?? true)
        }

        func send(_ bytes: ByteBuffer) {
            context?.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        }

        private func resumeReading() { heldRead.resume(context) }

        private func partnerClosed() {
            partner = nil
            guard let context else { return }
            // Written in order: once this empty write completes, everything relayed before it is on the wire.
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}

@available(*, unavailable)
extension ProxyTunnel.Relay: Sendable {}
