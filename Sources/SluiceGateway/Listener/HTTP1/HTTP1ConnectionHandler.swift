internal import NIOCore
internal import SluiceTracing
internal import NIOHTTP1

/// Adapts one HTTP/1.1 connection onto ``GatewayRequest``: NIO's llhttp-based `HTTPRequestDecoder` parses,
/// ``HTTP1ConnectionStateMachine`` decides, ``HTTP1ResponseSerializer`` writes each response as one buffer.
/// Pipelined responses go out in request order; responses produced while a read is being processed are
/// flushed once, at `channelReadComplete`.
///
/// It is the last handler and writes bytes straight to the socket: no NIO response encoder, pipelining,
/// error or idle handler sits behind it (each cost a pipeline hop per write; see the state machine and
/// serializer for why each was replaced).
final class HTTP1ConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var machine: HTTP1ConnectionStateMachine
    private let configuration: HTTP1ConnectionStateMachine.Configuration
    private let handler: any GatewayRequestHandler
    /// The handler's way to tell proxied requests at their head, when it has one.
    private let proxyRouting: (any ProxyRouting)?
    /// The proxied request in progress: its body and response bypass the state machine.
    private var exchange: ProxyExchange?
    /// Request parts read behind a proxied request, handled once its response is written.
    private var afterExchange: [HTTPServerRequestPart] = []
    /// The streamed response being written (a server-streaming call's), if any.
    private var responseStream: ResponseStream?
    private var context: ChannelHandlerContext?
    /// The peer, read once per connection (flow rules on the client IP read it from each request).
    private var peer: String?
    /// Inside `channelRead`…`channelReadComplete`: flushes wait for the read to complete.
    private var isReading = false
    private var needsFlush = false
    /// A proxied response's parts are written and not yet flushed (``proxyFlush()``).
    private var proxyNeedsFlush = false
    /// A `read()` held back while the queue is full.
    private var readPending = false
    private var idleTimer: Scheduled<Void>?
    /// When ``idleTimer`` fires.
    private var idleTimerDeadline = NIODeadline.distantFuture
    /// The current read produced a request part (a head, body or end).
    private var sawRequestParts = false
    /// Reused for each response when the previous one has left the socket (then it is uniquely referenced and
    /// `clear` keeps its storage): one allocation per connection instead of one per response.
    private var output = ByteBuffer()
    /// Larger leftovers are not kept around per idle connection.
    private static let maxRetainedOutput = 64 * 1024

    /// `https` on TLS listeners: what proxied requests say they came in over (`X-Forwarded-Proto`).
    private let scheme: String

    init(handler: any GatewayRequestHandler, configuration: HTTP1ConnectionStateMachine.Configuration, scheme: String = "http") {
        self.handler = handler
        self.scheme = scheme
        self.proxyRouting = handler as? any ProxyRouting
        self.configuration = configuration
        // Replaced in `channelActive`/`handlerAdded` with the loop's clock.
        self.machine = HTTP1ConnectionStateMachine(configuration: configuration, now: .uptimeNanoseconds(0))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        exchange?.clientClosed()
        exchange = nil
        responseStream?.cancel()
        responseStream = nil
        idleTimer?.cancel()
        idleTimer = nil
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        exchange?.clientClosed()
        exchange = nil
        responseStream?.cancel()
        responseStream = nil
        for stream in machine.abandonStreams() { stream.cancel() }
        idleTimer?.cancel()
        idleTimer = nil
        context.fireChannelInactive()
    }

    private func start(context: ChannelHandlerContext) {
        guard idleTimer == nil else { return }
        peer = context.channel.remoteAddress?.ipAddress
        let now = context.eventLoop.now
        machine = HTTP1ConnectionStateMachine(configuration: configuration, now: now)
        scheduleIdleCheck(at: now + configuration.idleTimeout, context: context)
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        isReading = true
        sawRequestParts = true
        let action: HTTP1ConnectionStateMachine.Action
        let part = unwrapInboundIn(data)
        if let exchange {
            // Parts after the proxied request's end were decoded from the same read (pipelining); they wait.
            if exchange.requestEnded { return afterExchange.append(part) }
            return exchange.receive(part)
        }
        switch part {
        case .head(let head):
            var limits: HeadRoute.Limits?
            switch proxyRouting?.routeAtHead(for: head) {
            case .proxy(let route, let target) where machine.proxyStarted():
                return startExchange(route, head: head, target: target, context: context)
            case .limits(let routeLimits): limits = routeLimits
            case .proxy, nil: break
            }
            action = machine.receivedHead(head, limits: limits, now: context.eventLoop.now)
            if limits?.timeout != nil, let deadline = machine.requestDeadline, deadline < idleTimerDeadline {
                idleTimer?.cancel()
                scheduleIdleCheck(at: deadline, context: context)
            }
        case .body(let chunk): action = machine.receivedBody(chunk)
        case .end: action = machine.receivedEnd()
        }
        perform(action, context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        isReading = false
        if let headDeadline = machine.readCompleted(at: context.eventLoop.now, sawRequestParts: sawRequestParts),
            headDeadline < idleTimerDeadline
        {
            idleTimer?.cancel()
            scheduleIdleCheck(at: headDeadline, context: context)
        }
        sawRequestParts = false
        exchange?.clientReadComplete()
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            perform(machine.quiesce(), context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if exchange != nil {
            // A proxied request's framing broke (or the socket did): nothing more can be relayed.
            context.close(promise: nil)
            return
        }
        switch error {
        case let error as HTTPParserError:
            // Answered after the responses owed to the requests before it, then the connection closes.
            let error = error == .headerOverflow
                ? GatewayError(.headerFieldsTooLarge, "the request line and headers are larger than the limit")
                : GatewayError(.badRequest, "the request is not valid HTTP/1.1")
            perform(machine.receivedMalformedRequest(error.response(allocator: context.channel.allocator)), context: context)
        case ByteToMessageDecoderError.dataReceivedInErrorState:
            // Bytes after the malformed request, read before reading stopped; the 400 is already queued.
            break
        default:
            // I/O errors (a reset peer): nothing can be answered.
            context.close(promise: nil)
        }
    }

    // MARK: outbound

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        exchange?.clientWritabilityChanged()
        responseStream?.writable()
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if wantsToRead {
            context.read()
        } else {
            readPending = true
        }
    }

    // MARK: requests and responses

    private func perform(_ action: HTTP1ConnectionStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            return
        case .dispatch(let id, let head, let body):
            dispatch(id, head: head, body: body, context: context)
        case .sendContinue:
            var buffer = context.channel.allocator.buffer(capacity: 32)
            buffer.writeStaticString(HTTP1ResponseSerializer.continueResponse)
            context.write(wrapOutboundOut(buffer), promise: nil)
            // The client is waiting for this before sending the body.
            context.flush()
        case .drain:
            drain(context: context)
        case .close:
            context.close(promise: nil)
        }
    }

    private func dispatch(
        _ id: HTTP1ConnectionStateMachine.RequestID,
        head: HTTPRequestHead,
        body: ByteBuffer?,
        context: ChannelHandlerContext
    ) {
        var request = GatewayRequest(
            method: head.method.rawValue,
            target: head.uri,
            headers: GatewayHeaders(http1: head.headers),
            body: body
        )
        request.clientAddress = peer
        let responder = Responder(connection: self, request: id)
        handler.handle(request, on: context.eventLoop, allocator: context.channel.allocator, responder: responder)
    }

    fileprivate func respond(_ response: GatewayResponse, request: HTTP1ConnectionStateMachine.RequestID) {
        // A stream nobody will write is cancelled, or its call would wait for a reader until its deadline.
        guard let context, !machine.isClosing else { return response.stream?.cancel() ?? () }
        context.eventLoop.assertInEventLoop()
        if machine.responseReady(response, for: request) {
            drain(context: context)
        }
    }

    /// Writes every response that is next in order, dispatches parked requests, and flushes once (now, or at
    /// `channelReadComplete` when called while reading). Re-entered when a dispatched request is answered
    /// synchronously; the state machine is not borrowed across calls, so that is safe.
    private func drain(context: ChannelHandlerContext) {
        var wrote = false
        while let output = machine.nextOutput() {
            switch output {
            case .write(let response, let framing):
                write(response, framing: framing, promise: nil, context: context)
                wrote = true
            case .writeAndClose(let response, let framing):
                let written = context.eventLoop.makePromise(of: Void.self)
                write(response, framing: framing, promise: written, context: context)
                needsFlush = false
                context.flush()
                // Close only once the response is on the wire; closing at once could drop unsent bytes.
                written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
                return
            case .dispatch(let id, let head, let body):
                dispatch(id, head: head, body: body, context: context)
            case .sendContinue:
                perform(.sendContinue, context: context)
            case .close:
                context.close(promise: nil)
                return
            case .writeStream(let response, let framing):
                startStream(response, framing: framing, context: context)
                wrote = true
            case .upgrade(let head):
                // Its 101 (or refusal) is written and flushed behind the responses written before it.
                needsFlush = false
                WebSocketUpgrade.upgrade(
                    context: context, request: head, settings: configuration.webSocket ?? WebSocketSettings(),
                    idleTimeout: configuration.idleTimeout, scheme: scheme, handler: handler)
                return
            }
        }
        if wrote {
            if isReading {
                needsFlush = true
            } else {
                needsFlush = false
                context.flush()
                machine.sawActivity(at: context.eventLoop.now)
            }
        }
        if let exchange, exchange.isWaitingForTurn, machine.pendingCount == 0 {
            exchange.start()
        }
        if readPending && wantsToRead {
            readPending = false
            context.read()
        }
    }

    private var wantsToRead: Bool { exchange.map(\.wantsClientRead) ?? machine.wantsToRead }

    private func write(
        _ response: GatewayResponse,
        framing: HTTP1ResponseFraming,
        promise: EventLoopPromise<Void>?,
        context: ChannelHandlerContext
    ) {
        let capacity = HTTP1ResponseSerializer.capacity(for: response)
        if output.capacity > Self.maxRetainedOutput && capacity <= Self.maxRetainedOutput {
            output = context.channel.allocator.buffer(capacity: capacity)
        } else {
            output.clear(minimumCapacity: capacity)
        }
        HTTP1ResponseSerializer.write(response, framing: framing, into: &output)
        context.write(wrapOutboundOut(output), promise: promise)
    }

    // MARK: idle timeout

    private func scheduleIdleCheck(at deadline: NIODeadline, context: ChannelHandlerContext) {
        idleTimerDeadline = deadline
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.idleTimerFired()
        }
    }

    private func idleTimerFired() {
        idleTimer = nil
        idleTimerDeadline = .distantFuture
        guard let context else { return }
        // The wait for an upstream is bounded by its service's timeout, not by the idle timeout.
        if exchange?.isWaitingOnUpstream == true { machine.sawActivity(at: context.eventLoop.now) }
        switch machine.idleTimerFired(now: context.eventLoop.now) {
        case .close: context.close(promise: nil)
        case .check(let deadline): scheduleIdleCheck(at: deadline, context: context)
        case .drain: drain(context: context)
        case .stop: break
        }
    }

    /// One request's way back to this handler; lives on the connection's event loop.
    private struct Responder: GatewayResponder {
        let connection: HTTP1ConnectionHandler
        let request: HTTP1ConnectionStateMachine.RequestID

        func respond(_ response: GatewayResponse) {
            connection.respond(response, request: request)
        }
    }
}

// MARK: streamed responses

extension HTTP1ConnectionHandler {
    /// Writes the head, then the stream's parts as it hands them over: chunked on a kept connection, else
    /// delimited by the close that follows.
    private func startStream(_ response: GatewayResponse, framing: HTTP1ResponseFraming, context: ChannelHandlerContext) {
        guard let stream = response.stream else { return }
        let chunked = framing.connection == .keepAlive && !framing.omitsBody
        var head = context.channel.allocator.buffer(capacity: HTTP1ResponseSerializer.capacity(for: response))
        HTTP1ResponseSerializer.writeStreamHead(response, chunked: chunked, framing: framing, into: &head)
        context.write(wrapOutboundOut(head), promise: nil)
        guard !framing.omitsBody else {
            // HEAD: the head says what a GET would get; the call is not needed.
            stream.cancel()
            return streamEnded(chunked: false, context: context)
        }
        responseStream = stream
        stream.attach(StreamSink(connection: self, format: stream.format, chunked: chunked))
    }

    private func streamWrite(_ part: ResponseStream.Part, format: ResponseStreamFormat, chunked: Bool) {
        guard let context else { return }
        let bytes = format.frame(part, allocator: context.channel.allocator)
        if chunked {
            if let framed = ProxyResponseFraming.chunked.body(bytes, allocator: context.channel.allocator) {
                context.write(wrapOutboundOut(framed), promise: nil)
            }
        } else {
            context.write(wrapOutboundOut(bytes), promise: nil)
        }
        flushStream(context: context)
    }

    private func streamEnded(chunked: Bool, context: ChannelHandlerContext) {
        responseStream = nil
        if chunked, let last = ProxyResponseFraming.chunked.end(allocator: context.channel.allocator) {
            context.write(wrapOutboundOut(last), promise: nil)
        }
        if machine.streamEnded() {
            // Close once the last bytes are on the wire; closing at once could drop them.
            needsFlush = false
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return
        }
        flushStream(context: context)
        drain(context: context)
    }

    private func flushStream(context: ChannelHandlerContext) {
        if isReading {
            needsFlush = true
        } else {
            context.flush()
        }
        machine.sawActivity(at: context.eventLoop.now)
    }

    /// The stream's way to the connection; weak, as the call may outlive the connection by a moment.
    private final class StreamSink: ResponseStreamSink {
        weak var connection: HTTP1ConnectionHandler?
        let format: ResponseStreamFormat
        let chunked: Bool

        init(connection: HTTP1ConnectionHandler, format: ResponseStreamFormat, chunked: Bool) {
            self.connection = connection
            self.format = format
            self.chunked = chunked
        }

        var isWritable: Bool { connection?.isWritable ?? false }

        func write(_ part: ResponseStream.Part) {
            connection?.streamWrite(part, format: format, chunked: chunked)
        }

        func end() {
            guard let connection, let context = connection.context else { return }
            connection.streamEnded(chunked: chunked, context: context)
        }
    }
}

// MARK: proxied requests (Proxy/)

extension HTTP1ConnectionHandler: ProxyClient {
    var ingress: IngressProtocol? { .http1 }
    var accessLog: AccessLog? { proxyRouting?.accessLog }
    var tracer: RequestTracer? { proxyRouting?.tracer }

    private func startExchange(_ route: ProxyRoute, head: HTTPRequestHead, target: String, context: ChannelHandlerContext) {
        let origin = ProxyHeaders.Origin(clientAddress: context.channel.remoteAddress?.ipAddress, scheme: scheme)
        let exchange = ProxyExchange(
            route: route, request: head, target: target, origin: origin, client: self, eventLoop: context.eventLoop)
        self.exchange = exchange
        if machine.pendingCount == 0 { exchange.start() }
    }

    var allocator: ByteBufferAllocator { context?.channel.allocator ?? ByteBufferAllocator() }

    var isWritable: Bool { context?.channel.isWritable ?? false }

    var isReadingRequest: Bool { isReading }

    /// Response bytes, in order; sent by the next ``proxyFlush()``.
    private func proxyWrite(_ bytes: ByteBuffer) {
        guard let context else { return }
        context.write(wrapOutboundOut(bytes), promise: nil)
        proxyNeedsFlush = true
    }

    func proxyFlush() {
        guard proxyNeedsFlush, let context else { return }
        proxyNeedsFlush = false
        context.flush()
        machine.sawActivity(at: context.eventLoop.now)
    }

    func proxyContinue() {
        var buffer = allocator.buffer(capacity: 32)
        buffer.writeStaticString(HTTP1ResponseSerializer.continueResponse)
        proxyWrite(buffer)
        // The client waits for it before sending the body.
        proxyFlush()
    }

    func proxyResponseHead(
        status: HTTPResponseStatus, headers: HTTPHeaders, framing: ProxyResponseFraming, connection: HTTP1ResponseFraming.Connection
    ) {
        var buffer = allocator.buffer(capacity: 256)
        ProxyResponseFraming.writeHead(
            status: Int(status.code), reason: status.reasonPhrase, headers: headers, framing: framing, connection: connection,
            into: &buffer)
        proxyWrite(buffer)
    }

    func proxyResponseBody(_ chunk: ByteBuffer, framing: ProxyResponseFraming) {
        if let bytes = framing.body(chunk, allocator: allocator) { proxyWrite(bytes) }
    }

    func proxyResponseEnd(framing: ProxyResponseFraming, trailers: HTTPHeaders?) {
        if let last = framing.end(allocator: allocator) { proxyWrite(last) }
    }

    func proxyRespond(_ response: GatewayResponse, request: HTTPRequestHead, close: Bool) {
        let framing = HTTP1ResponseFraming(
            omitsBody: request.method == .HEAD,
            connection: close ? .close : request.version == .http1_0 ? .keepAliveHTTP10 : .keepAlive
        )
        var buffer = allocator.buffer(capacity: HTTP1ResponseSerializer.capacity(for: response))
        HTTP1ResponseSerializer.write(response, framing: framing, into: &buffer)
        proxyWrite(buffer)
        proxyFlush()
    }

    func proxyResumeReading() {
        guard let context, readPending, wantsToRead else { return }
        readPending = false
        context.read()
    }

    func proxyFinished(close: Bool) {
        exchange = nil
        guard let context else { return }
        if machine.proxyFinished(close: close) {
            afterExchange = []
            // Close once the last bytes written are on the wire; closing at once could drop them.
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return
        }
        let parts = afterExchange
        afterExchange = []
        // Replayed as the read they came in; outside a read, what they produce is flushed here.
        let wasReading = isReading
        for part in parts { channelRead(context: context, data: NIOAny(part)) }
        isReading = wasReading
        if !isReading { exchange?.clientReadComplete() }
        drain(context: context)
        if !isReading && needsFlush {
            needsFlush = false
            context.flush()
        }
    }

    func proxyTunnel(to upstream: UpstreamConnection) {
        exchange = nil
        idleTimer?.cancel()
        idleTimer = nil
        guard let context else { return upstream.channel.close(promise: nil) }
        do {
            ProxyTunnel.join(client: try ProxyTunnel.http1Client(context.channel, handler: self), upstream: try upstream.tunnelEnd())
        } catch {
            context.close(promise: nil)
            upstream.channel.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension HTTP1ConnectionHandler: Sendable {}
