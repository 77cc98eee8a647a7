internal import Logging
internal import NIOCore
internal import NIOHTTP1
internal import SluiceClient

/// What an upstream connection reports to the exchange it is leased to.
protocol UpstreamConnectionDelegate: AnyObject {
    func upstreamHead(_ head: HTTPResponseHead)
    func upstreamBody(_ chunk: ByteBuffer)
    /// The response is complete; `trailers` are a chunked body's trailer fields, if it had any.
    func upstreamEnd(trailers: HTTPHeaders?)
    /// The read that delivered response parts is over: what they wrote to the client can be flushed.
    func upstreamReadComplete()
    func upstreamWritabilityChanged()
    /// The connection closed or failed.
    func upstreamClosed()
    /// Whether the client can take more response bytes now; reading the upstream waits until it can.
    var wantsUpstreamRead: Bool { get }
}

/// One HTTP/1.1 connection to an upstream, leased to one exchange at a time by its ``UpstreamShard``, or one
/// stream of an ``HTTP2UpstreamConnection`` (the same parts, framed by NIOHTTP2's codec). Lives on its event
/// loop, the same one as the client connections it serves.
final class UpstreamConnection: Sendable {
    let channel: any Channel
    private let boundHandler: NIOLoopBound<UpstreamConnectionHandler>

    /// Must be used on the connection's event loop.
    var handler: UpstreamConnectionHandler { boundHandler.value }

    init(channel: any Channel, handler: NIOLoopBound<UpstreamConnectionHandler>) {
        self.channel = channel
        self.boundHandler = handler
    }

    /// This connection as a tunnel's upstream end, once its upgrade was accepted: an HTTP/1.1 connection's
    /// codec leaves (the response decoder last, handing on what it read past the `101`); an HTTP/2 stream's
    /// WebSocket codec leaves and its DATA frames carry the bytes. On the connection's event loop.
    func tunnelEnd() throws -> ProxyTunnel.End {
        let pipeline = channel.pipeline.syncOperations
        if let codec = try? pipeline.handler(type: HTTP2UpstreamWebSocketCodec.self) {
            return ProxyTunnel.End(channel: channel, httpHandlers: [handler, codec], bytes: HTTP2StreamBytesHandler())
        }
        return ProxyTunnel.End(
            channel: channel,
            httpHandlers: [
                handler,
                try pipeline.handler(type: NIOHTTPRequestHeadersValidator.self),
                try pipeline.handler(type: HTTPRequestEncoder.self),
                try pipeline.handler(type: ByteToMessageHandler<HTTPResponseDecoder>.self),
            ])
    }

    /// Opens a connection: with `tls`, NIOSSL's client handler first and a completed handshake (within the
    /// same `connectTimeout`) before it is handed out; then NIO's request encoder and response decoder (which
    /// leaves bytes after a `101` for whoever takes the connection over), then ``UpstreamConnectionHandler``.
    static func connect(
        to endpoint: Endpoint,
        tls: ConnectionTLS?,
        connectTimeout: TimeAmount,
        on eventLoop: any EventLoop,
        logger: Logger
    ) -> EventLoopFuture<UpstreamConnection> {
        ClientChannel.connect(to: endpoint, tls: tls, connectTimeout: connectTimeout, on: eventLoop) { pipeline in
            try pipeline.addHTTPClientHandlers(leftOverBytesStrategy: .forwardBytes)
            try pipeline.addHandler(UpstreamConnectionHandler(endpoint: endpoint, logger: logger))
        }.flatMapThrowing { channel in
            let handler = try channel.pipeline.syncOperations.handler(type: UpstreamConnectionHandler.self)
            return UpstreamConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
        }
    }
}

/// Hands response parts to the leased exchange and reads only as fast as the client takes them.
/// An idle connection keeps reading, so a close by the upstream is noticed; anything else it sends while
/// idle is a protocol error and closes it.
final class UpstreamConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    var delegate: (any UpstreamConnectionDelegate)?
    private var context: ChannelHandlerContext?
    private var heldRead = HeldRead()
    private let endpoint: Endpoint
    private let logger: Logger

    init(endpoint: Endpoint, logger: Logger) {
        self.endpoint = endpoint
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let delegate else {
            context.close(promise: nil)
            return
        }
        switch unwrapInboundIn(data) {
        case .head(let head): delegate.upstreamHead(head)
        case .body(let chunk): delegate.upstreamBody(chunk)
        case .end(let trailers): delegate.upstreamEnd(trailers: trailers)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        delegate?.upstreamReadComplete()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        delegate?.upstreamWritabilityChanged()
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let delegate = self.delegate
        self.delegate = nil
        delegate?.upstreamClosed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The exchange only sees the close (a 502 naming the service); why is told here, e.g. a TLS 1.3 upstream
        // refusing the client certificate after the handshake, or a response that is not HTTP. Errors before
        // the connection was handed out are its pool's connect failures, logged there.
        if delegate != nil {
            logger.warning(
                "upstream connection failed",
                metadata: ["endpoint": "\(endpoint)", "error": "\(TLSFailureReason.describe(error))"])
        }
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        heldRead.read(context, allowed: delegate?.wantsUpstreamRead ?? true)
    }

    /// The client drained: a read held back goes out now.
    func resumeReading() { heldRead.resume(context) }

    func flush() { context?.flush() }

    func write(_ part: HTTPClientRequestPart, flush: Bool) {
        guard let context else { return }
        context.write(wrapOutboundOut(part), promise: nil)
        if flush { context.flush() }
    }
}

@available(*, unavailable)
extension UpstreamConnectionHandler: Sendable {}
