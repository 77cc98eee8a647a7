internal import NIOCore
internal import SluiceTracing
internal import NIOHPACK
internal import NIOHTTP1
internal import NIOHTTP2

/// One HTTP/2 stream whose request goes to a proxy route (``ProxyExchange``): DATA frames stream to the
/// upstream as they arrive, and its response comes back as HEADERS, DATA frames and END_STREAM.
/// Neither body is held whole: the stream is read only while the upstream connection takes bytes (a held
/// `read()` stops this stream's WINDOW_UPDATEs, so HTTP/2 flow control holds the client back), and the
/// upstream only while the stream is writable (its flow-control window has room).
///
/// Takes the place of ``HTTP2StreamHandler`` at the request's HEADERS. A client resetting the stream closes
/// this channel: the upstream request is cut off and its connection not reused.
///
/// An extended CONNECT for WebSocket (RFC 8441) goes upstream as an upgrade; when the upstream switches
/// protocols the client gets `200` and the stream's DATA frames carry the WebSocket's bytes to and from it
/// (``ProxyTunnel``).
final class HTTP2ProxyStreamHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private var exchange: ProxyExchange?
    private var context: ChannelHandlerContext?
    private var heldRead = HeldRead()
    private var requestEnded = false
    /// Inside `channelRead`…`channelReadComplete`: request parts go upstream in one flush at its end.
    private var isReading = false
    /// Set when the answer finished before the request: what still arrives is dropped.
    private var earlyAnswer: HTTP2EarlyAnswer?
    private var earlyAnswerDeadline: Scheduled<Void>?
    /// Completes once the frame ending the response has left (END_STREAM), for a close that must not cut it off.
    private var responseEnded: EventLoopFuture<Void>?
    /// Response frames are written and not yet flushed.
    private var needsFlush = false
    private let idleTimeout: TimeAmount
    private var idleTimer: Scheduled<Void>?
    private var lastActivity = NIODeadline.distantPast
    /// The stream is an extended CONNECT: its request "ends" with its HEADERS, and DATA before the tunnel is
    /// there (sent with them, in the same read) waits in `earlyBytes`.
    private var isWebSocket = false
    private var earlyBytes: [ByteBuffer] = []
    private var earlyByteCount = 0

    let accessLog: AccessLog?
    let tracer: RequestTracer?

    init(idleTimeout: TimeAmount, accessLog: AccessLog?, tracer: RequestTracer?) {
        self.tracer = tracer
        self.idleTimeout = idleTimeout
        self.accessLog = accessLog
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { clientGone() }

    /// Starts the exchange for the request `head` (a HEADERS frame with END_STREAM when `endStream`; an
    /// extended CONNECT when `webSocket`).
    func start(_ route: ProxyRoute, head: HTTPRequestHead, target: String, scheme: String, endStream: Bool, webSocket: Bool) {
        guard let context else { return }
        let origin = ProxyHeaders.Origin(clientAddress: context.channel.remoteAddress?.ipAddress, scheme: scheme)
        let exchange = ProxyExchange(
            route: route, request: head, target: target, origin: origin, client: self, eventLoop: context.eventLoop)
        self.exchange = exchange
        sawActivity()
        scheduleIdleCheck(at: lastActivity + idleTimeout, context: context)
        // Called from the stream's read of the HEADERS frame, before this handler sees reads: the head (and
        // end) go upstream in one flush here.
        isReading = true
        isWebSocket = webSocket
        exchange.start()
        if webSocket {
            // The upgrade request is complete; the stream stays open for the WebSocket.
            exchange.receive(.end(nil))
        } else if endStream {
            requestEnd()
        }
        isReading = false
        exchange.clientReadComplete()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        isReading = true
        sawActivity()
        switch unwrapInboundIn(data) {
        case .data(let data):
            let bytes = data.data.readableBytes
            if earlyAnswer != nil { return dropAfterAnswer(bytes, endStream: data.endStream, context: context) }
            if isWebSocket { return webSocketBytes(data, context: context) }
            if case .byteBuffer(let bytes) = data.data, bytes.readableBytes > 0 { exchange?.receive(.body(bytes)) }
            if data.endStream { requestEnd() }
        case .headers(let headers) where earlyAnswer != nil:
            dropAfterAnswer(0, endStream: headers.endStream, context: context)
        case .headers(let headers):
            // Request trailers end the request; only an HTTP/2 upstream is sent them.
            if headers.endStream {
                requestEnd(trailers: HTTPHeaders(headers.headers.filter { !$0.name.hasPrefix(":") }.map { ($0.name, $0.value) }))
            }
        default:
            break
        }
    }

    /// WebSocket bytes sent before the upstream took the upgrade (the stream is read no further until then):
    /// kept for the tunnel, as much as one early answer may drop.
    private func webSocketBytes(_ data: HTTP2Frame.FramePayload.Data, context: ChannelHandlerContext) {
        if data.endStream { requestEnded = true }
        guard case .byteBuffer(let bytes) = data.data, bytes.readableBytes > 0 else { return }
        earlyByteCount += bytes.readableBytes
        guard earlyByteCount <= HTTP2EarlyAnswer.budget else { return context.close(promise: nil) }
        earlyBytes.append(bytes)
    }

    /// The answer has left before the request ended: what still arrives is dropped (``HTTP2EarlyAnswer``).
    private func dropAfterAnswer(_ bytes: Int, endStream: Bool, context: ChannelHandlerContext) {
        guard var earlyAnswer else { return }
        if endStream || earlyAnswer.dropped(bytes) {
            earlyAnswerDeadline?.cancel()
            earlyAnswerDeadline = nil
            self.earlyAnswer = nil
            requestEnded = requestEnded || endStream
            if !endStream { HTTP2EarlyAnswer.stopRequest(on: context) }
        } else {
            self.earlyAnswer = earlyAnswer
        }
    }

    private func requestEnd(trailers: HTTPHeaders? = nil) {
        guard !requestEnded else { return }
        requestEnded = true
        exchange?.receive(.end(trailers))
    }

    func channelInactive(context: ChannelHandlerContext) {
        earlyAnswerDeadline?.cancel()
        earlyAnswerDeadline = nil
        clientGone()
        context.fireChannelInactive()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        isReading = false
        exchange?.clientReadComplete()
        context.fireChannelReadComplete()
    }

    private func clientGone() {
        idleTimer?.cancel()
        idleTimer = nil
        let exchange = self.exchange
        self.exchange = nil
        exchange?.clientClosed()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A stream-level protocol error: NIOHTTP2 has reset the stream; nothing more can be relayed.
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        exchange?.clientWritabilityChanged()
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        heldRead.read(context, allowed: exchange?.wantsClientRead ?? true)
    }

    // MARK: idle timeout

    private func sawActivity() {
        if let context { lastActivity = context.eventLoop.now }
    }

    /// A stream that stays silent for the idle timeout is reset, as an HTTP/1.1 connection would be closed;
    /// the wait for an upstream's response head is bounded by its service's timeout instead.
    private func scheduleIdleCheck(at deadline: NIODeadline, context: ChannelHandlerContext) {
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in
            guard let self, let context = self.context, let exchange = self.exchange else { return }
            if exchange.isWaitingOnUpstream { self.sawActivity() }
            let due = self.lastActivity + self.idleTimeout
            if due > context.eventLoop.now {
                self.scheduleIdleCheck(at: due, context: context)
            } else {
                context.close(promise: nil)
            }
        }
    }
}

// MARK: the exchange's client side

extension HTTP2ProxyStreamHandler: ProxyClient {
    var ingress: IngressProtocol? { .http2 }

    var allocator: ByteBufferAllocator { context?.channel.allocator ?? ByteBufferAllocator() }

    var isWritable: Bool { context?.channel.isWritable ?? false }

    var isReadingRequest: Bool { isReading }

    /// A response frame; sent by the next ``proxyFlush()``.
    private func write(_ frame: HTTP2Frame.FramePayload, promise: EventLoopPromise<Void>? = nil) {
        guard let context else { return }
        context.write(wrapOutboundOut(frame), promise: promise)
        needsFlush = true
    }

    func proxyFlush() {
        guard needsFlush, let context else { return }
        needsFlush = false
        context.flush()
        sawActivity()
    }

    func proxyContinue() {
        write(.headers(.init(headers: HPACKHeaders([(":status", "100")]), endStream: false)))
        // The client waits for it before sending the body.
        proxyFlush()
    }

    func proxyResponseHead(
        status: HTTPResponseStatus, headers: HTTPHeaders, framing: ProxyResponseFraming, connection: HTTP1ResponseFraming.Connection
    ) {
        let block = status == .switchingProtocols
            ? HTTP2ProxyHeaders.webSocketAccepted(headers)
            : HTTP2ProxyHeaders.response(status: Int(status.code), headers: headers)
        write(.headers(.init(headers: block, endStream: false)))
    }

    func proxyResponseBody(_ chunk: ByteBuffer, framing: ProxyResponseFraming) {
        guard framing != .none, chunk.readableBytes > 0 else { return }
        write(.data(.init(data: .byteBuffer(chunk), endStream: false)))
    }

    /// END_STREAM on an empty DATA frame, or on a trailing HEADERS frame carrying the upstream's trailers.
    func proxyResponseEnd(framing: ProxyResponseFraming, trailers: HTTPHeaders?) {
        guard let context else { return }
        let ended = context.eventLoop.makePromise(of: Void.self)
        responseEnded = ended.futureResult
        if let trailers, let block = HTTP2ProxyHeaders.trailers(trailers) {
            write(.headers(.init(headers: block, endStream: true)), promise: ended)
        } else {
            write(.data(.init(data: .byteBuffer(allocator.buffer(capacity: 0)), endStream: true)), promise: ended)
        }
    }

    /// One HEADERS frame with END_STREAM.
    func proxyTrailersOnly(_ headers: HTTPHeaders) {
        guard let context else { return }
        let ended = context.eventLoop.makePromise(of: Void.self)
        responseEnded = ended.futureResult
        write(.headers(.init(headers: HTTP2ProxyHeaders.response(status: 200, headers: headers), endStream: true)), promise: ended)
        proxyFlush()
    }

    func proxyRespond(_ response: GatewayResponse, request: HTTPRequestHead, close: Bool) {
        guard let context else { return }
        let written = context.eventLoop.makePromise(of: Void.self)
        responseEnded = written.futureResult
        HTTP2ResponseWriter.write(
            response, omitBody: request.method == .HEAD, to: context, written: written)
        sawActivity()
    }

    func proxyResumeReading() {
        guard exchange?.wantsClientRead == true, let context, heldRead.takePending() else { return }
        context.read()
    }

    /// The stream's own state says what `close` says on HTTP/1.1: a response cut short resets the stream at
    /// once; a complete one ends it, and a request still arriving is then not wanted (RFC 9113 §8.1), so the
    /// stream is reset (NO_ERROR) once the response's last frame has left.
    func proxyFinished(close: Bool) {
        exchange = nil
        idleTimer?.cancel()
        idleTimer = nil
        guard let context else { return }
        guard responseEnded != nil else { return context.close(promise: nil) }
        if requestEnded { return }  // both sides ended: the stream is closed
        earlyAnswer = HTTP2EarlyAnswer()
        earlyAnswerDeadline = HTTP2EarlyAnswer.deadline(idleTimeout, on: context)
    }

    /// The upstream took the WebSocket (its `200` is written): this handler leaves, and the stream's DATA
    /// frames carry the relayed bytes (``HTTP2StreamBytesHandler``).
    func proxyTunnel(to upstream: UpstreamConnection) {
        exchange = nil
        idleTimer?.cancel()
        idleTimer = nil
        guard let context else { return upstream.channel.close(promise: nil) }
        do {
            let client = ProxyTunnel.End(
                channel: context.channel, httpHandlers: [self], bytes: HTTP2StreamBytesHandler(), early: earlyBytes)
            earlyBytes = []
            ProxyTunnel.join(client: client, upstream: try upstream.tunnelEnd())
            // The client ended its side already: the tunnel ends once the upstream's last bytes are relayed.
            if requestEnded { context.channel.close(promise: nil) }
        } catch {
            context.close(promise: nil)
            upstream.channel.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension HTTP2ProxyStreamHandler: Sendable {}
