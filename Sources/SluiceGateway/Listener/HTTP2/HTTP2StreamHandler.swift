internal import NIOCore
internal import NIOHPACK
internal import NIOHTTP1
internal import NIOHTTP2
internal import SluiceClient

/// Adapts one HTTP/2 stream onto ``GatewayRequest``: ``HTTP2RequestCollector`` turns its frames into a
/// request, the gateway's handler answers it, ``HTTP2ResponseWriter`` turns the answer into frames.
/// Streams of a connection run side by side, each in its own child channel; each answers when it is done.
///
/// A client that resets the stream closes this channel before the answer: the backend call is cancelled
/// (``CallCancellation``), which frees its seq id or pooled connection at once.
final class HTTP2StreamHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private var collector: HTTP2RequestCollector
    private let handler: any GatewayRequestHandler
    /// The handler's way to tell proxied requests at their HEADERS, when it has one.
    private let proxyRouting: (any ProxyRouting)?
    /// `https` on TLS listeners: what proxied requests say they came in over (`X-Forwarded-Proto`).
    private let scheme: String
    private let idleTimeout: TimeAmount
    /// `nil`: extended CONNECT for WebSocket (RFC 8441) is refused.
    private let websocket: WebSocketSettings?
    private var context: ChannelHandlerContext?
    /// The connection peer's IP address, formatted once per connection.
    private let clientAddress: String?
    private var isHead = false
    private var answered = false
    /// Fires when a request stays incomplete (no frame for `idleTimeout`): answered 408.
    private var idleTimer: Scheduled<Void>?
    /// The route's `request_timeout`: the request must be whole by then.
    private var requestDeadline: NIODeadline?
    /// The route's own limits, which shape its 413 and 408.
    private var routeLimits: HeadRoute.Limits?
    private var lastActivity = NIODeadline.distantPast
    /// The dispatched request's, until it is answered.
    private var cancellation: CallCancellation?
    /// Set when the answer left before the request ended: what still arrives is dropped.
    private var earlyAnswer: HTTP2EarlyAnswer?
    private var earlyAnswerDeadline: Scheduled<Void>?
    /// The streamed response being written (a server-streaming call's), if any.
    private var responseStream: ResponseStream?

    init(
        handler: any GatewayRequestHandler, maxBodySize: Int, idleTimeout: TimeAmount, websocket: WebSocketSettings?,
        scheme: String = "http", clientAddress: String? = nil
    ) {
        self.clientAddress = clientAddress
        self.handler = handler
        self.proxyRouting = handler as? any ProxyRouting
        self.scheme = scheme
        self.collector = HTTP2RequestCollector(maxBodySize: maxBodySize)
        self.idleTimeout = idleTimeout
        self.websocket = websocket
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        lastActivity = context.eventLoop.now
        scheduleIdleCheck(at: lastActivity + idleTimeout, context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        idleTimer = nil
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        idleTimer = nil
        earlyAnswerDeadline?.cancel()
        earlyAnswerDeadline = nil
        self.context = nil
        responseStream?.cancel()
        responseStream = nil
        if !answered, let cancellation {
            self.cancellation = nil
            cancellation.cancel()
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let event: HTTP2RequestCollector.Event
        switch unwrapInboundIn(data) {
        case .headers(let headers):
            if answered { return dropAfterAnswer(0, endStream: headers.endStream, context: context) }
            if !collector.isStarted {
                if let proxyRouting, proxyRouting.hasProxyRoutes, proxy(headers, routing: proxyRouting, context: context) {
                    return
                }
                if let attempt = HTTP2WebSocket.attempt(headers.headers, settings: websocket) {
                    return webSocket(attempt, context: context)
                }
                isHead = headers.headers.first(name: ":method") == "HEAD"
            }
            event = collector.receivedHeaders(headers.headers, endStream: headers.endStream)
        case .data(let data):
            guard case .byteBuffer(let buffer) = data.data else { return }
            if answered {
                return dropAfterAnswer(buffer.readableBytes, endStream: data.endStream, context: context)
            }
            event = collector.receivedData(buffer, endStream: data.endStream)
        default:
            return
        }
        lastActivity = context.eventLoop.now
        switch event {
        case .none:
            break
        case .dispatch(var request):
            idleTimer?.cancel()
            idleTimer = nil
            let cancellation = CallCancellation()
            self.cancellation = cancellation
            request.cancellation = cancellation
            request.ingress = .http2
            request.clientAddress = clientAddress
            handler.handle(request, on: context.eventLoop, allocator: context.channel.allocator, responder: Responder(stream: self))
        case .reject(let error):
            if error.code == .payloadTooLarge, let limits = routeLimits, limits.maxBody != nil {
                return respond(limits.refusal(.payloadTooLarge, error.message))
            }
            respond(error.response(allocator: context.channel.allocator))
        }
    }

    /// Whether `headers` ask for a proxy route; then an ``HTTP2ProxyStreamHandler`` takes the stream over.
    /// An extended CONNECT for WebSocket (RFC 8441) is matched as the `GET` an HTTP/1.1 upgrade would be.
    private func proxy(
        _ headers: HTTP2Frame.FramePayload.Headers, routing: any ProxyRouting, context: ChannelHandlerContext
    ) -> Bool {
        let isWebSocket = HTTP2ProxyHeaders.isExtendedConnect(headers.headers)
        let request = isWebSocket
            ? HTTP2ProxyHeaders.webSocketRequest(headers.headers)
            : HTTP2ProxyHeaders.request(headers.headers, endStream: headers.endStream)
        guard let head = request, let decision = routing.routeAtHead(for: head) else { return false }
        guard case .proxy(let route, let target) = decision else {
            if case .limits(let limits) = decision { applyLimits(limits, endStream: headers.endStream, context: context) }
            return false
        }
        let proxied = (route: route, target: target)
        answered = true
        idleTimer?.cancel()
        idleTimer = nil
        let proxy = HTTP2ProxyStreamHandler(idleTimeout: idleTimeout, accessLog: routing.accessLog, tracer: routing.tracer)
        do {
            try context.pipeline.syncOperations.addHandler(proxy, position: .after(self))
        } catch {
            context.close(promise: nil)
            return true
        }
        context.pipeline.syncOperations.removeHandler(self, promise: nil)
        proxy.start(
            proxied.route, head: head, target: proxied.target, scheme: scheme, endStream: headers.endStream, webSocket: isWebSocket)
        return true
    }

    private func webSocket(_ attempt: HTTP2WebSocket.Attempt, context: ChannelHandlerContext) {
        switch attempt {
        case .refuse(let response):
            // The CONNECT's stream never ends by itself: reset it once the refusal has left.
            answered = true
            idleTimer?.cancel()
            idleTimer = nil
            let written = context.eventLoop.makePromise(of: Void.self)
            HTTP2ResponseWriter.write(response, omitBody: false, to: context, written: written)
            written.futureResult.assumeIsolated().whenComplete { _ in HTTP2EarlyAnswer.stopRequest(on: context) }
        case .accept:
            guard let websocket else { return }
            answered = true
            idleTimer?.cancel()
            idleTimer = nil
            do {
                try HTTP2WebSocket.accept(
                    context: context, replacing: self, settings: websocket, idleTimeout: idleTimeout, scheme: scheme, handler: handler)
            } catch {
                context.close(promise: nil)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A stream-level protocol error: NIOHTTP2 has reset the stream; nothing can be answered on it.
        context.close(promise: nil)
    }

    fileprivate func respond(_ response: GatewayResponse) {
        // Reset by the client, or already answered; a stream nobody will write is cancelled.
        guard let context, !answered else { return response.stream?.cancel() ?? () }
        answered = true
        cancellation = nil
        idleTimer?.cancel()
        idleTimer = nil
        if let stream = response.stream { return startStream(stream, response: response, context: context) }
        guard !collector.requestEnded else {
            return HTTP2ResponseWriter.write(response, omitBody: isHead, to: context)
        }
        // Answered before the request ended (413, 408, a refused CONNECT): the rest of it is dropped.
        HTTP2ResponseWriter.write(response, omitBody: isHead, to: context)
        earlyAnswer = HTTP2EarlyAnswer()
        earlyAnswerDeadline = HTTP2EarlyAnswer.deadline(idleTimeout, on: context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // The stream's flow-control window (or the connection's) opened or closed.
        responseStream?.writable()
        context.fireChannelWritabilityChanged()
    }

    /// HEADERS, then a DATA frame per part as the stream hands them over, then an empty DATA ending it.
    private func startStream(_ stream: ResponseStream, response: GatewayResponse, context: ChannelHandlerContext) {
        HTTP2ResponseWriter.writeStreamHead(response, endStream: isHead, to: context)
        if isHead { return stream.cancel() }
        responseStream = stream
        stream.attach(StreamSink(stream: self, format: stream.format))
    }

    private func streamWrite(_ bytes: ByteBuffer, endStream: Bool) {
        guard let context else { return }
        context.writeAndFlush(wrapOutboundOut(.data(.init(data: .byteBuffer(bytes), endStream: endStream))), promise: nil)
        if endStream { responseStream = nil }
    }

    /// The stream's way to the HTTP/2 stream; weak, as the call may outlive the stream by a moment.
    private final class StreamSink: ResponseStreamSink {
        weak var stream: HTTP2StreamHandler?
        let format: ResponseStreamFormat

        init(stream: HTTP2StreamHandler, format: ResponseStreamFormat) {
            self.stream = stream
            self.format = format
        }

        var isWritable: Bool { stream?.context?.channel.isWritable ?? false }

        func write(_ part: ResponseStream.Part) {
            guard let stream, let context = stream.context else { return }
            stream.streamWrite(format.frame(part, allocator: context.channel.allocator), endStream: false)
        }

        func end() {
            stream?.streamWrite(ByteBuffer(), endStream: true)
        }
    }

    private func dropAfterAnswer(_ bytes: Int, endStream: Bool, context: ChannelHandlerContext) {
        guard var earlyAnswer else { return }
        if endStream {
            earlyAnswerDeadline?.cancel()
            earlyAnswerDeadline = nil
            self.earlyAnswer = nil
        } else if earlyAnswer.dropped(bytes) {
            earlyAnswerDeadline?.cancel()
            earlyAnswerDeadline = nil
            self.earlyAnswer = nil
            HTTP2EarlyAnswer.stopRequest(on: context)
        } else {
            self.earlyAnswer = earlyAnswer
        }
    }

    /// The request's route sizes its body or bounds its arrival itself (`request_size`, `request_timeout`).
    private func applyLimits(_ limits: HeadRoute.Limits, endStream: Bool, context: ChannelHandlerContext) {
        routeLimits = limits
        if let maxBody = limits.maxBody { collector.maxBodySize = maxBody }
        guard let timeout = limits.timeout, !endStream else { return }
        let deadline = context.eventLoop.now + timeout
        requestDeadline = deadline
        idleTimer?.cancel()
        scheduleIdleCheck(at: min(deadline, lastActivity + idleTimeout), context: context)
    }

    private func scheduleIdleCheck(at deadline: NIODeadline, context: ChannelHandlerContext) {
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in
            guard let self, let context = self.context else { return }
            self.idleTimer = nil
            guard !self.collector.isComplete else { return }
            if let requestDeadline = self.requestDeadline, context.eventLoop.now >= requestDeadline, let limits = self.routeLimits {
                return self.respond(limits.refusal(.requestTimeout, "the request did not arrive within its route's request_timeout"))
            }
            let due = min(self.lastActivity + self.idleTimeout, self.requestDeadline ?? .distantFuture)
            if due > context.eventLoop.now {
                self.scheduleIdleCheck(at: due, context: context)
            } else {
                let error = GatewayError(.requestTimeout, "the request did not arrive in time")
                self.respond(error.response(allocator: context.channel.allocator))
            }
        }
    }

    /// One stream's way back to its handler; lives on the connection's event loop.
    private struct Responder: GatewayResponder {
        let stream: HTTP2StreamHandler

        func respond(_ response: GatewayResponse) {
            stream.respond(response)
        }
    }
}

@available(*, unavailable)
extension HTTP2StreamHandler: Sendable {}
