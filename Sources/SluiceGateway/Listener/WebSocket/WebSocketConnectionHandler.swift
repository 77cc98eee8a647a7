internal import NIOCore
internal import NIOWebSocket
internal import SluiceClient

/// Adapts a channel of WebSocket frames onto ``GatewayRequest``: each message is a request handed to the same
/// ``GatewayRequestHandler`` HTTP uses, answered by a reply message as it completes; or the next message of a
/// stream a request opened (``RequestMessageStream``, +Streams).
/// ``WebSocketConnectionStateMachine`` decides; this handler does the I/O and the one timer.
///
/// It knows nothing of HTTP/1.1, so any channel that carries frames can use it (an RFC 8441 HTTP/2 stream
/// too): put `WebSocketFrameEncoder`, a `WebSocketFrameDecoder` limited to the message size, and this
/// handler on it (``addHandlers(to:settings:idleTimeout:scheme:handler:)``).
final class WebSocketConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private var machine: WebSocketConnectionStateMachine
    private let handler: any GatewayRequestHandler
    private(set) var context: ChannelHandlerContext?
    /// Inside `channelRead`…`channelReadComplete`: flushes wait for the read to complete.
    private var isReading = false
    private var needsFlush = false
    /// A `read()` held back while the in-flight bound is reached.
    private var readPending = false
    private var timer: Scheduled<Void>?
    /// Set once the gateway's close frame is on its way: what the client still sends is read and dropped until
    /// its own close frame (or ``closeLinger``), then the connection closes. Closing a socket with unread bytes
    /// would reset it, and a reset can discard the close frame before the client reads it.
    private var lingering = false
    private var lingerTimer: Scheduled<Void>?
    /// The client's close frame arrived: the gateway's answers it, and the connection then closes at once.
    private var clientSentClose = false
    static let closeLinger = TimeAmount.seconds(2)
    /// The requests not yet answered: their calls are cancelled if the socket goes away first.
    var inFlight: [UInt64: InFlight] = [:]
    private var nextMessage: UInt64 = 0
    /// Streams of request messages, by the `id` (its JSON text) of the request that opened them.
    var openStreams: [ByteBuffer: OpenStream] = [:]
    /// Replies that stream (server-streaming calls), told when the socket takes more again.
    private var streams: [UInt64: ResponseStream] = [:]
    /// `https` on TLS listeners; with the client's address, what proxy routes forward (set when added).
    private let scheme: String
    private var proxyCollection: ProxyCollection

    init(settings: WebSocketSettings, idleTimeout: TimeAmount, scheme: String, handler: any GatewayRequestHandler) {
        self.handler = handler
        self.scheme = scheme
        self.proxyCollection = ProxyCollection(
            origin: .init(clientAddress: nil, scheme: scheme), maxResponseBody: settings.maxMessageSize)
        let configuration = WebSocketConnectionStateMachine.Configuration(
            maxMessageSize: settings.maxMessageSize, maxInFlight: settings.maxInFlight,
            pingInterval: settings.pingInterval, idleTimeout: idleTimeout)
        // Replaced in `handlerAdded` with the loop's clock.
        self.machine = WebSocketConnectionStateMachine(configuration: configuration, now: .uptimeNanoseconds(0))
    }

    /// The frame codec and this handler, at the end of `pipeline`.
    static func addHandlers(
        to pipeline: ChannelPipeline.SynchronousOperations,
        settings: WebSocketSettings,
        idleTimeout: TimeAmount,
        scheme: String,
        handler: any GatewayRequestHandler
    ) throws {
        try pipeline.addHandler(WebSocketFrameEncoder())
        // A frame over the message size fails before its payload is buffered.
        try pipeline.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: settings.maxMessageSize)))
        try pipeline.addHandler(
            WebSocketConnectionHandler(settings: settings, idleTimeout: idleTimeout, scheme: scheme, handler: handler))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        proxyCollection.origin = ProxyHeaders.Origin(clientAddress: context.channel.remoteAddress?.ipAddress, scheme: scheme)
        let now = context.eventLoop.now
        machine = WebSocketConnectionStateMachine(configuration: machine.configuration, now: now)
        schedule(at: now + min(machine.configuration.pingInterval, machine.configuration.idleTimeout), context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        lingerTimer?.cancel()
        lingerTimer = nil
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        lingerTimer?.cancel()
        lingerTimer = nil
        // Nobody will read these replies: the backend calls are given up (seq ids, pooled connections freed).
        let abandoned = inFlight.values
        inFlight = [:]
        openStreams = [:]
        for request in abandoned {
            request.stream?.close()
            request.cancellation.cancel()
        }
        let streams = self.streams.values
        self.streams = [:]
        for stream in streams { stream.cancel() }
        context.fireChannelInactive()
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        isReading = true
        let frame = unwrapInboundIn(data)
        if lingering {
            if frame.opcode == .connectionClose { context.close(promise: nil) }
            return
        }
        if frame.opcode == .connectionClose { clientSentClose = true }
        perform(machine.receivedFrame(frame, now: context.eventLoop.now), context: context)
        if clientSentClose { abandonUnendedStreams() }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        isReading = false
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            perform(machine.quiesce(), context: context)
            abandonUnendedStreams()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case let error as NIOWebSocketError:
            perform(machine.receivedInvalidFrame(tooLarge: error == .invalidFrameLength), context: context)
        case ByteToMessageDecoderError.dataReceivedInErrorState:
            // Bytes after the bad frame; the close is already on its way.
            break
        case is NIOWebSocketError where lingering:
            break
        default:
            context.close(promise: nil)
        }
    }

    // MARK: outbound

    /// Not while the in-flight bound is reached, nor while replies pile up unsent, nor while a stream's request
    /// messages wait for its backend: a client that sends requests and never reads the replies, or outruns
    /// the backend, cannot grow the gateway's memory past the write buffer's watermark or a few messages.
    func read(context: ChannelHandlerContext) {
        if lingering || wantsToRead(context) {
            context.read()
        } else {
            readPending = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        for stream in streams.values { stream.writable() }
        resumeReading(context: context)
        context.fireChannelWritabilityChanged()
    }

    private func wantsToRead(_ context: ChannelHandlerContext) -> Bool {
        machine.wantsToRead(awaitingStreamMessages: isAwaitingStreamMessages) && context.channel.isWritable && !isStreamBacklogged
    }

    func resumeReading(context: ChannelHandlerContext) {
        if readPending && wantsToRead(context) {
            readPending = false
            context.read()
        }
    }

    // MARK: messages and replies

    private func perform(_ action: WebSocketConnectionStateMachine.FrameAction, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .message(let message):
            received(message, context: context)
        case .pong(let data):
            write(WebSocketFrame(fin: true, opcode: .pong, data: data), context: context)
        case .drain:
            drain(context: context)
        case .fail(let code):
            sendClose(code, context: context)
        }
    }

    private func received(_ message: ByteBuffer, context: ChannelHandlerContext) {
        let inbound: WebSocketInbound
        do {
            inbound = try WebSocketInbound.parse(message)
        } catch {
            return answer(error.error, id: error.id, context: context)
        }
        switch machine.received(inbound) {
        case .dispatch(let request): dispatch(request, context: context)
        case .deliver(let next): deliver(next, context: context)
        case .close(let code): sendClose(code, context: context)
        case nil: break
        }
    }

    private func dispatch(_ parsed: WebSocketRequestMessage, context: ChannelHandlerContext) {
        if let id = parsed.id, openStreams[id] != nil {
            // Its messages could not be told from the open stream's.
            let error = GatewayError(.badRequest, "a stream with id \(String(buffer: id)) is open; a request needs another id", field: "$.id")
            return respond(error.response(allocator: context.channel.allocator), id: parsed.id, message: nil)
        }
        let message = nextMessage
        nextMessage &+= 1
        let cancellation = CallCancellation()
        inFlight[message] = InFlight(cancellation: cancellation, id: parsed.id, firstItem: parsed.firstItem)
        var request = parsed.request
        request.cancellation = cancellation
        request.ingress = .websocket
        request.clientAddress = proxyCollection.origin.clientAddress
        request.proxyCollection = proxyCollection
        request.messages = RequestMessageOpener(source: self, request: message, eventLoop: context.eventLoop)
        handler.handle(
            request, on: context.eventLoop, allocator: context.channel.allocator,
            responder: Responder(connection: self, id: parsed.id, message: message))
    }

    fileprivate func respond(_ response: GatewayResponse, id: ByteBuffer?, message: UInt64?) {
        if let stream = response.stream, let message {
            // A reply per message, then the end; the request stays in flight until then.
            guard context != nil else { return stream.cancel() }
            streams[message] = stream
            return stream.attach(StreamSink(connection: self, id: id, message: message))
        }
        guard let context else { return }  // the connection is gone
        finish(WebSocketReply.write(id: id, response: response, allocator: context.channel.allocator), message: message)
    }

    /// The last reply to a request.
    private func finish(_ reply: ByteBuffer, message: UInt64?) {
        if let message, let request = inFlight.removeValue(forKey: message), let stream = request.stream {
            // The call is over: later messages for its id are answered "no open stream".
            stream.close()
            if let id = request.id, openStreams[id]?.message == message { openStreams[id] = nil }
        }
        guard let context else { return }  // the connection is gone
        context.eventLoop.assertInEventLoop()
        guard machine.replyReady() else { return }
        write(WebSocketFrame(fin: true, opcode: .text, data: reply), context: context)
        drain(context: context)
    }

    /// One part of a streamed reply: a message as a 200 reply, an error as the reply its status gives.
    private func streamReply(_ part: ResponseStream.Part, id: ByteBuffer?) {
        guard let context, !lingering else { return }
        let response: GatewayResponse
        switch part {
        case .message(let json): response = GatewayResponse(status: 200, body: json)
        case .error(let code, let json): response = GatewayResponse(status: GRPCStatusResponse.httpStatus(of: code), body: json)
        }
        write(WebSocketFrame(fin: true, opcode: .text, data: WebSocketReply.write(id: id, response: response, allocator: context.channel.allocator)), context: context)
    }

    private func streamEnded(id: ByteBuffer?, message: UInt64) {
        streams.removeValue(forKey: message)
        guard let context else { return }
        finish(WebSocketReply.end(id: id, allocator: context.channel.allocator), message: message)
    }

    /// A streamed reply's way to the connection; weak, as the call may outlive the connection by a moment.
    private final class StreamSink: ResponseStreamSink {
        weak var connection: WebSocketConnectionHandler?
        let id: ByteBuffer?
        let message: UInt64

        init(connection: WebSocketConnectionHandler, id: ByteBuffer?, message: UInt64) {
            self.connection = connection
            self.id = id
            self.message = message
        }

        var isWritable: Bool { connection?.context?.channel.isWritable ?? false }

        func write(_ part: ResponseStream.Part) {
            connection?.streamReply(part, id: id)
        }

        func end() {
            connection?.streamEnded(id: id, message: message)
        }
    }

    /// Dispatches waiting messages and sends the close that is due. Re-entered when a dispatched request is
    /// answered synchronously; the state machine is not borrowed across calls, so that is safe.
    private func drain(context: ChannelHandlerContext) {
        while let output = machine.nextOutput() {
            switch output {
            case .dispatch(let request):
                dispatch(request, context: context)
            case .deliver(let next):
                deliver(next, context: context)
            case .close(let code):
                sendClose(code, context: context)
                return
            }
        }
        resumeReading(context: context)
    }

    /// A reply that answers no request in flight (a malformed message, a stream message refused).
    func answer(_ error: GatewayError, id: ByteBuffer?, context: ChannelHandlerContext) {
        guard !machine.isClosed, !lingering else { return }
        let reply = WebSocketReply.write(id: id, response: error.response(allocator: context.channel.allocator), allocator: context.channel.allocator)
        write(WebSocketFrame(fin: true, opcode: .text, data: reply), context: context)
    }

    private func write(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(frame), promise: nil)
        if isReading {
            needsFlush = true
        } else {
            context.flush()
        }
    }

    /// Sends a close frame, then closes the connection once the client answers with its own, or
    /// ``closeLinger`` after the frame is on the wire, reading and dropping what arrives meanwhile.
    private func sendClose(_ code: WebSocketErrorCode, context: ChannelHandlerContext) {
        guard !lingering else { return }
        lingering = true
        timer?.cancel()
        timer = nil
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)), promise: written)
        needsFlush = false
        written.futureResult.assumeIsolated().whenComplete { [weak self] result in
            guard let self, case .success = result, !self.clientSentClose else { return context.close(promise: nil) }
            self.lingerTimer = context.eventLoop.assumeIsolated().scheduleTask(in: Self.closeLinger) {
                context.close(promise: nil)
            }
        }
        // A read may have been held back (in-flight bound, or the failure stopped reading).
        context.read()
    }

    // MARK: ping and idle timer

    private func schedule(at deadline: NIODeadline, context: ChannelHandlerContext) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.timerFired()
        }
    }

    private func timerFired() {
        timer = nil
        guard let context else { return }
        switch machine.timerFired(now: context.eventLoop.now) {
        case .ping(let next):
            write(WebSocketFrame(fin: true, opcode: .ping, data: context.channel.allocator.buffer(capacity: 0)), context: context)
            schedule(at: next, context: context)
        case .check(let deadline):
            schedule(at: deadline, context: context)
        case .close:
            sendClose(.goingAway, context: context)
        case .stop:
            break
        }
    }

    /// One request's way back to this handler; lives on the connection's event loop.
    private struct Responder: GatewayResponder {
        let connection: WebSocketConnectionHandler
        let id: ByteBuffer?
        let message: UInt64

        func respond(_ response: GatewayResponse) {
            connection.respond(response, id: id, message: message)
        }
    }
}

@available(*, unavailable)
extension WebSocketConnectionHandler: Sendable {}
