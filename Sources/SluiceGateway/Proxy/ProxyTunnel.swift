internal import NIOCore
internal import NIOHTTP1

/// After an upstream answered an upgrade (`101 Switching Protocols` to `Upgrade: websocket`), the client
/// and upstream connections stop speaking HTTP: their HTTP handlers leave and the bytes are relayed both
/// ways as they are, until either side closes. No frame is parsed: a pure relay needs none.
enum ProxyTunnel {
    /// Joins `client` (whose HTTP handlers, the request decoder and `clientHandler`, are removed) and
    /// `upstream`. Both channels live on the same event loop; call it there, after the `101` was written
    /// to the client and the upstream's response `end` was read (its decoder then parses no more, and hands
    /// anything it read past the `101` to the relay as it leaves).
    static func join(client: any Channel, clientHandler: any RemovableChannelHandler, upstream: UpstreamConnection) {
        let clientRelay = Relay()
        let upstreamRelay = Relay()
        clientRelay.partner = upstreamRelay
        upstreamRelay.partner = clientRelay
        do {
            let clientPipeline = client.pipeline.syncOperations
            try clientPipeline.addHandler(clientRelay)
            clientPipeline.removeHandler(clientHandler, promise: nil)
            let decoder = try clientPipeline.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self)
            clientPipeline.removeHandler(context: decoder, promise: nil)

            let upstreamPipeline = upstream.channel.pipeline.syncOperations
            try upstreamPipeline.addHandler(upstreamRelay)
            upstreamPipeline.removeHandler(upstream.handler, promise: nil)
            upstreamPipeline.removeHandler(try upstreamPipeline.handler(type: NIOHTTPRequestHeadersValidator.self), promise: nil)
            upstreamPipeline.removeHandler(try upstreamPipeline.handler(type: HTTPRequestEncoder.self), promise: nil)
            let responseDecoder = try upstreamPipeline.context(handlerType: ByteToMessageHandler<HTTPResponseDecoder>.self)
            upstreamPipeline.removeHandler(context: responseDecoder, promise: nil)
            // The HTTP handlers may have held a read back (the request had ended; the client was slow): with
            // them gone nothing would ask again.
            client.read()
            upstream.channel.read()
        } catch {
            // A pipeline not shaped as the listener and the pool built it: nothing can be relayed.
            client.close(promise: nil)
            upstream.channel.close(promise: nil)
        }
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

        private func send(_ bytes: ByteBuffer) {
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
