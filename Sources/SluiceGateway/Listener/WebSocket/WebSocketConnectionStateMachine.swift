internal import NIOCore
internal import NIOWebSocket

/// One WebSocket connection carrying RPC messages, as a pure value: checks frames (RFC 6455 §5), reassembles
/// fragmented messages up to a limit, bounds the requests in flight, answers pings, keeps the idle clock, and
/// decides when and how the socket closes.
///
/// At ``Configuration/maxInFlight`` unanswered requests the connection stops reading; requests already read
/// (a burst in one read) wait here in order and are dispatched as replies go out. Nothing is refused with 429,
/// so a client sees backpressure, not errors, the way HTTP/1.1 pipelining behaves. A stream's requests count
/// once, by the request that opened it; its further messages pass the bound (the stream could not end
/// otherwise), wait only behind their own opening request, and keep the socket read at the bound.
struct WebSocketConnectionStateMachine {
    struct Configuration: Sendable {
        var maxMessageSize: Int
        var maxInFlight: Int
        var pingInterval: TimeAmount
        /// A client that sends nothing, pongs included, for this long is closed (unless a reply is owed).
        var idleTimeout: TimeAmount
    }

    enum FrameAction {
        case none
        /// A complete message (text or binary payload): parse it and hand it to ``received(_:)``.
        case message(ByteBuffer)
        case pong(ByteBuffer)
        /// Something may be due: call ``nextOutput()`` until nil.
        case drain
        /// Send a close frame with this code, then close; replies still owed are dropped.
        case fail(WebSocketErrorCode)
    }

    enum Output {
        /// A request to hand on; answer with ``replyReady()``.
        case dispatch(WebSocketRequestMessage)
        /// A stream's next message, for the stream its opening request started (no reply of its own is owed).
        case deliver(WebSocketStreamMessage)
        /// Every reply is written: send a close frame with this code, then close.
        case close(WebSocketErrorCode)
    }

    enum TimerAction: Equatable {
        case ping(next: NIODeadline)
        case check(at: NIODeadline)
        /// Idle for the idle timeout: send close 1001 and close.
        case close
        case stop
    }

    private enum State {
        case open
        /// The client sent close, or the gateway shuts down: replies owed go out, then a close frame with
        /// this code. Nothing more is read.
        case closing(WebSocketErrorCode)
        /// A close frame went out (or the connection failed); nothing more happens.
        case closed
    }

    let configuration: Configuration
    private var state = State.open
    /// A fragmented message being reassembled.
    private var fragments: ByteBuffer?
    private(set) var inFlight = 0
    /// Requests received while ``Configuration/maxInFlight`` were in flight, and the stream messages behind them
    /// that belong to one of them.
    private var waiting = CircularBuffer<WebSocketInbound>(initialCapacity: 0)
    private var lastReceived: NIODeadline
    private var nextPing: NIODeadline

    init(configuration: Configuration, now: NIODeadline) {
        self.configuration = configuration
        self.lastReceived = now
        self.nextPing = now + configuration.pingInterval
    }

    /// Whether to pass `read()` on, no stream awaiting messages.
    var wantsToRead: Bool { wantsToRead(awaitingStreamMessages: false) }

    /// Whether to pass `read()` on. At the bound, a stream whose requests have not ended still needs its messages
    /// (its end is what frees the slot), so reading goes on; requests read meanwhile wait, until more than
    /// max_in_flight of them do.
    func wantsToRead(awaitingStreamMessages: Bool) -> Bool {
        guard case .open = state else { return false }
        if inFlight < configuration.maxInFlight && waiting.isEmpty { return true }
        return awaitingStreamMessages && waiting.count <= configuration.maxInFlight
    }

    var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    // MARK: frames

    mutating func receivedFrame(_ frame: WebSocketFrame, now: NIODeadline) -> FrameAction {
        guard case .open = state else { return .none }
        lastReceived = now
        // No extension is negotiated, so reserved bits are errors, and every client frame is masked (§5.1).
        guard !frame.rsv1, !frame.rsv2, !frame.rsv3, frame.maskKey != nil else { return fail(.protocolError) }
        switch frame.opcode {
        case .text, .binary:
            guard fragments == nil else { return fail(.protocolError) }
            // The frame decoder's limit is the message size already; a decoder set up otherwise is checked here.
            let data = frame.unmaskedData
            guard data.readableBytes <= configuration.maxMessageSize else { return fail(.messageTooLarge) }
            if frame.fin { return complete(data) }
            fragments = data
            return .none
        case .continuation:
            guard var message = fragments else { return fail(.protocolError) }
            fragments = nil  // uniquely referenced while appending
            var data = frame.unmaskedData
            guard message.readableBytes + data.readableBytes <= configuration.maxMessageSize else { return fail(.messageTooLarge) }
            message.writeBuffer(&data)
            if frame.fin { return complete(message) }
            fragments = message
            return .none
        case .ping:
            return .pong(frame.unmaskedData)
        case .pong:
            return .none
        case .connectionClose:
            return receivedClose(frame.unmaskedData)
        default:
            return fail(.protocolError)
        }
    }

    /// The frame decoder refused the bytes (a frame over the size limit, a fragmented or long control frame).
    mutating func receivedInvalidFrame(tooLarge: Bool) -> FrameAction {
        guard !isClosed else { return .none }
        return fail(tooLarge ? .messageTooLarge : .protocolError)
    }

    /// The client's close is answered with its own code once every reply owed is written (§5.5.1).
    private mutating func receivedClose(_ payload: ByteBuffer) -> FrameAction {
        var payload = payload
        let code: WebSocketErrorCode
        switch payload.readableBytes {
        case 0:
            code = .normalClosure
        case 1:
            return fail(.protocolError)
        default:
            guard let number = payload.readInteger(as: UInt16.self), Self.isValidCloseCode(number) else {
                return fail(.protocolError)
            }
            code = WebSocketErrorCode(codeNumber: Int(number))
        }
        fragments = nil
        state = .closing(code)
        return .drain
    }

    /// Codes a peer may send (RFC 6455 §7.4): the defined ones, registered (3000-3999) and private (4000-4999).
    static func isValidCloseCode(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1011, 3000...4999: true
        default: false
        }
    }

    private mutating func complete(_ message: ByteBuffer) -> FrameAction {
        .message(message)
    }

    /// A complete message, parsed: what to do with it now, if anything (it may wait).
    mutating func received(_ message: WebSocketInbound) -> Output? {
        guard !isClosed else { return nil }
        switch message {
        case .request(let request):
            if inFlight < configuration.maxInFlight && waiting.isEmpty {
                inFlight += 1
                return .dispatch(request)
            }
        case .stream(let next):
            let opensBehind = waiting.contains {
                if case .request(let request) = $0 { return request.id == next.id }
                return false
            }
            if !opensBehind { return .deliver(next) }
        }
        waiting.append(message)
        return nil
    }

    private mutating func fail(_ code: WebSocketErrorCode) -> FrameAction {
        state = .closed
        fragments = nil
        waiting.removeAll()
        return .fail(code)
    }

    // MARK: replies

    /// A dispatched message was answered. Returns whether to write the reply (not once the socket failed or
    /// sent its close); then call ``nextOutput()`` until nil.
    mutating func replyReady() -> Bool {
        guard inFlight > 0 else { return false }
        inFlight -= 1
        return !isClosed
    }

    mutating func nextOutput() -> Output? {
        switch state {
        case .closed:
            return nil
        case .open, .closing:
            switch waiting.first {
            case .stream(let next):
                waiting.removeFirst()
                return .deliver(next)
            case .request(let request) where inFlight < configuration.maxInFlight:
                waiting.removeFirst()
                inFlight += 1
                return .dispatch(request)
            case .request, nil:
                break
            }
            if case .closing(let code) = state, inFlight == 0, waiting.isEmpty {
                state = .closed
                return .close(code)
            }
            return nil
        }
    }

    // MARK: connection events

    /// Graceful shutdown: close 1001 once every reply owed is written.
    mutating func quiesce() -> FrameAction {
        guard case .open = state else { return .none }
        fragments = nil
        state = .closing(.goingAway)
        return .drain
    }

    /// The connection's one timer fired: ping when due, close when the client has been silent for the idle
    /// timeout and nothing is owed to it (a request awaiting its backend is bounded by the backend's timeout).
    mutating func timerFired(now: NIODeadline) -> TimerAction {
        if isClosed { return .stop }
        let idleDeadline = lastReceived + configuration.idleTimeout
        if now >= idleDeadline && inFlight == 0 && waiting.isEmpty {
            state = .closed
            return .close
        }
        if now >= nextPing {
            nextPing = now + configuration.pingInterval
            return .ping(next: nextDeadline(now: now))
        }
        return .check(at: nextDeadline(now: now))
    }

    private func nextDeadline(now: NIODeadline) -> NIODeadline {
        let idleDeadline = lastReceived + configuration.idleTimeout
        return idleDeadline > now ? min(nextPing, idleDeadline) : nextPing
    }
}
