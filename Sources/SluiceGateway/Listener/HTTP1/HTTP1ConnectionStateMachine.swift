internal import NIOCore
internal import NIOHTTP1

/// One HTTP/1.1 connection as a pure value: collects each request's body up to a limit, numbers the requests,
/// and releases their responses strictly in request order however they complete (pipelining, RFC 9112 §9.3.2).
///
/// Why not NIO's `HTTPServerPipelineHandler`: it withholds `read()` from the moment a request ends until its
/// response is written, so the channel drops and re-adds EPOLLIN around every request (two `epoll_ctl`
/// calls per request on a keep-alive connection), and it handles one request at a time. Here reading goes
/// on while responses are pending; it stops only when ``Configuration/maxPendingRequests`` are queued, and
/// requests beyond the in-flight bound are parked, not dispatched, so a client pipelining thousands of
/// requests in one burst never puts more than that bound on the backends.
struct HTTP1ConnectionStateMachine {
    struct Configuration: Sendable {
        /// Larger request bodies are refused with 413.
        var maxBodySize: Int
        /// Requests dispatched and not yet answered, at most; reading also pauses at this many queued.
        var maxPendingRequests: Int
        /// No bytes in either direction for this long, and no response owed: the connection closes.
        var idleTimeout: TimeAmount
        /// A request head started and not finished within this long (slowloris) is answered 408 and the
        /// connection closes.
        var headerTimeout: TimeAmount
        /// Where a complete `Upgrade: websocket` request becomes ``Output/upgrade(_:)``; nil: nowhere.
        var webSocket: WebSocketSettings? = nil
    }

    /// The request currently arriving.
    enum Receive {
        case idle
        /// `continueDeferred`: the client waits for `100 Continue`, which may only go out once every earlier
        /// response has (a 1xx is part of this request's answer, so it keeps the response order too).
        case receiving(head: HTTPRequestHead, body: ByteBuffer?, continueDeferred: Bool)
        /// The connection closes after the responses already queued; whatever else arrives is dropped.
        case discarding
    }

    enum Action {
        case none
        /// Hand the complete request to the gateway; answer with ``responseReady(_:for:)``.
        case dispatch(RequestID, head: HTTPRequestHead, body: ByteBuffer?)
        /// Answer `100 Continue` now (RFC 9110 §10.1.1), so the client sends its body instead of waiting
        /// for its own timeout (curl waits 1 s).
        case sendContinue
        /// Something may be writable: call ``nextOutput()`` until it returns nil.
        case drain
        /// Close the connection now; nothing is owed.
        case close
    }

    enum Output {
        case write(GatewayResponse, HTTP1ResponseFraming)
        /// Write, then close once it is on the wire.
        case writeAndClose(GatewayResponse, HTTP1ResponseFraming)
        case dispatch(RequestID, head: HTTPRequestHead, body: ByteBuffer?)
        case sendContinue
        case close
        /// Every earlier response is written: switch the connection to WebSocket (or refuse the upgrade and
        /// close). Nothing more happens on it as HTTP/1.1.
        case upgrade(HTTPRequestHead)
        /// Write the head of a response whose body streams (``GatewayResponse/stream``), then its parts as
        /// they come; nothing else is written until ``streamEnded()``. A framing that does not keep the
        /// connection (HTTP/1.0, whose clients read no chunks) delimits the body by closing.
        case writeStream(GatewayResponse, HTTP1ResponseFraming)
    }

    enum IdleAction: Equatable {
        case close
        case check(at: NIODeadline)
        /// A 408 is queued: call ``nextOutput()`` until it returns nil.
        case drain
        /// The connection is closing anyway.
        case stop
    }

    /// Numbers requests in arrival order; a responder holds its request's number.
    struct RequestID: Hashable {
        fileprivate var value: Int
    }

    private enum Slot {
        /// Received while ``Configuration/maxPendingRequests`` were in flight; dispatched as others finish.
        case parked(head: HTTPRequestHead, body: ByteBuffer?)
        case inFlight
        case ready(GatewayResponse)
        /// A WebSocket upgrade request; always the queue's last entry.
        case upgrade(HTTPRequestHead)
    }

    private struct Pending {
        var framing: HTTP1ResponseFraming
        var slot: Slot
    }

    let configuration: Configuration
    private(set) var receive: Receive = .idle
    /// The request being received may have a body this large (its route's, or the listener's).
    private var bodyLimit = 0
    /// ...and must have arrived whole by then (its route's `request_timeout`); nil: only the idle timeout.
    private(set) var requestDeadline: NIODeadline?
    /// The route's limits for the request being received, which make its 413 or 408.
    private var routeLimits: HeadRoute.Limits?
    /// Requests not yet answered on the wire, oldest first; `queue.first` is request number `firstID`.
    private var queue: CircularBuffer<Pending>
    private var firstID = 0
    private var inFlight = 0
    /// Parked requests are always the newest ones: the queue's tail (but for a WebSocket upgrade after them).
    private var parked = 0
    private var quiescing = false
    /// The last response was written (or close decided); nothing more happens on this connection.
    private(set) var isClosing = false
    private var lastActivity: NIODeadline
    /// When the head now arriving must be complete; set by the first read that leaves one unfinished.
    private var headDeadline: NIODeadline?
    /// A proxied request (Proxy/) owns the connection from its head until its response ends: its body and
    /// response stream past this machine, which only keeps the connection's timers and shutdown right.
    private(set) var isProxying = false
    /// A streamed response is being written (``Output/writeStream(_:_:)``): it holds the connection's output.
    private(set) var isStreaming = false

    init(configuration: Configuration, now: NIODeadline) {
        self.configuration = configuration
        self.queue = CircularBuffer(initialCapacity: 4)
        self.lastActivity = now
    }

    /// Whether to pass `read()` on: not while the queue is full (backpressure), nor when the connection is
    /// going to close after what it owes.
    var wantsToRead: Bool {
        if isClosing { return false }
        if case .discarding = receive { return false }
        return queue.count < configuration.maxPendingRequests
    }

    /// Requests received and not yet answered on the wire.
    var pendingCount: Int { queue.count }

    // MARK: request parts

    /// `limits`: the route's own (`request_size`, `request_timeout`), in place of the listener's.
    /// `now` is read only for a `request_timeout`.
    mutating func receivedHead(_ head: HTTPRequestHead, limits: HeadRoute.Limits? = nil, now: @autoclosure () -> NIODeadline = .now()) -> Action {
        switch receive {
        case .idle: break
        case .discarding: return .none
        case .receiving:
            // HTTPRequestDecoder never starts a head inside a request; close rather than guess.
            assertionFailure("a request head arrived while receiving another")
            return close()
        }
        headDeadline = nil
        if quiescing {
            receive = .discarding
            return .none
        }
        bodyLimit = limits?.maxBody ?? configuration.maxBodySize
        routeLimits = limits
        requestDeadline = limits?.timeout.map { now() + $0 }
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > bodyLimit {
            return refuseTooLarge()
        }
        // Most requests carry no `Expect`; look for the name before collecting its values.
        var wantsContinue = false
        if head.headers.contains(name: "expect") {
            let atLeast11 = head.version.major > 1 || (head.version.major == 1 && head.version.minor >= 1)
            wantsContinue = atLeast11 && head.headers["expect"].contains { $0.lowercased() == "100-continue" }
        }
        receive = .receiving(head: head, body: nil, continueDeferred: wantsContinue && !queue.isEmpty)
        return wantsContinue && queue.isEmpty ? .sendContinue : .none
    }

    mutating func receivedBody(_ chunk: ByteBuffer) -> Action {
        switch receive {
        case .receiving(let head, var body, _):
            // Drop our reference while appending so the buffer is uniquely referenced (no copy-on-write).
            receive = .discarding
            let total = (body?.readableBytes ?? 0) + chunk.readableBytes
            guard total <= bodyLimit else { return refuseTooLarge() }
            if var collected = body {
                body = nil
                var chunk = chunk
                collected.writeBuffer(&chunk)
                body = collected
            } else {
                body = chunk
            }
            // The body is coming: a `100 Continue` not yet sent is moot.
            receive = .receiving(head: head, body: body, continueDeferred: false)
            return .none
        case .discarding:
            return .none
        case .idle:
            assertionFailure("body data arrived outside a request")
            return close()
        }
    }

    mutating func receivedEnd() -> Action {
        switch receive {
        case .receiving(let head, let body, _):
            if let webSocket = configuration.webSocket, WebSocketUpgrade.isAttempt(head, path: webSocket.path) {
                // Nothing after it is read as HTTP (NIO's decoder stops parsing there too).
                receive = .discarding
                queue.append(Pending(framing: .closing, slot: .upgrade(head)))
                return queue.count == 1 ? .drain : .none
            }
            let keepAlive = head.isKeepAlive
            receive = keepAlive && !quiescing ? .idle : .discarding
            let framing = HTTP1ResponseFraming(
                omitsBody: head.method == .HEAD,
                connection: !keepAlive ? .close : head.version == .http1_0 ? .keepAliveHTTP10 : .keepAlive
            )
            let id = RequestID(value: firstID + queue.count)
            if inFlight < configuration.maxPendingRequests && parked == 0 {
                inFlight += 1
                queue.append(Pending(framing: framing, slot: .inFlight))
                return .dispatch(id, head: head, body: body)
            }
            parked += 1
            queue.append(Pending(framing: framing, slot: .parked(head: head, body: body)))
            return .none
        case .discarding:
            return .none
        case .idle:
            assertionFailure("a request end arrived outside a request")
            return close()
        }
    }

    /// The request could not be parsed: answer 400 after the responses owed, then close.
    mutating func receivedMalformedRequest(_ response: GatewayResponse) -> Action {
        if isClosing { return .none }
        if case .discarding = receive { return .none }  // already closing after a queued response
        receive = .discarding
        queue.append(Pending(framing: .closing, slot: .ready(response)))
        return .drain
    }

    // MARK: responses

    /// The gateway answered request `id`. Returns whether to drain; a second answer to the same request, or
    /// an answer after the connection decided to close, is ignored.
    mutating func responseReady(_ response: GatewayResponse, for id: RequestID) -> Bool {
        let index = id.value - firstID
        guard !isClosing, index >= 0, index < queue.count, case .inFlight = queue[queue.index(queue.startIndex, offsetBy: index)].slot
        else { return false }
        queue[queue.index(queue.startIndex, offsetBy: index)].slot = .ready(response)
        inFlight -= 1
        return index == 0 || parked > 0
    }

    /// What to do next, in order; call until nil after every ``Action/drain`` and ``responseReady(_:for:)``.
    mutating func nextOutput() -> Output? {
        if isClosing { return nil }
        if !isStreaming, let first = queue.first, case .ready(let response) = first.slot {
            queue.removeFirst()
            firstID += 1
            var framing = first.framing
            if quiescing && queue.isEmpty && !isReceiving { framing.connection = .close }
            if response.stream != nil {
                isStreaming = true
                if framing.connection != .keepAlive {
                    framing.connection = .close
                    isClosing = true
                    receive = .discarding
                }
                return .writeStream(response, framing)
            }
            if framing.connection == .close {
                isClosing = true
                receive = .discarding
                return .writeAndClose(response, framing)
            }
            return .write(response, framing)
        }
        if !isStreaming, queue.count == 1, case .upgrade(let head) = queue[queue.startIndex].slot {
            queue.removeFirst()
            isClosing = true
            return .upgrade(head)
        }
        if parked > 0 && inFlight < configuration.maxPendingRequests {
            let upgradeLast = queue.last.map { if case .upgrade = $0.slot { true } else { false } } ?? false
            let index = queue.index(queue.startIndex, offsetBy: queue.count - parked - (upgradeLast ? 1 : 0))
            guard case .parked(let head, let body) = queue[index].slot else {
                assertionFailure("parked requests are the queue's tail")
                return nil
            }
            queue[index].slot = .inFlight
            parked -= 1
            inFlight += 1
            return .dispatch(RequestID(value: firstID + queue.distance(from: queue.startIndex, to: index)), head: head, body: body)
        }
        if !isStreaming, queue.isEmpty, case .receiving(let head, let body, continueDeferred: true) = receive {
            receive = .receiving(head: head, body: body, continueDeferred: false)
            return .sendContinue
        }
        if quiescing && queue.isEmpty && !isReceiving && !isProxying && !isStreaming {
            isClosing = true
            return .close
        }
        return nil
    }

    // MARK: connection events

    /// Graceful shutdown: close now when nothing is owed; otherwise finish the request arriving, answer
    /// everything received, and close after the last response (which says `connection: close`).
    mutating func quiesce() -> Action {
        quiescing = true
        if isClosing || isProxying || isStreaming { return .none }
        // No new socket to wait for: the last response owed closes the connection instead.
        if let last = queue.last, case .upgrade = last.slot { queue.removeLast() }
        if queue.isEmpty && !isReceiving { return close() }
        if !isReceiving { receive = .discarding }
        return .none
    }

    /// Bytes went in or out.
    mutating func sawActivity(at now: NIODeadline) {
        lastActivity = now
    }

    /// A read finished. One that produced no request part while no request was arriving left a head
    /// unfinished in the decoder: its deadline starts now and later reads do not extend it. Returns that
    /// deadline when it was just set, so the connection's one timer can be moved earlier (once per head,
    /// and only for heads that do not arrive in one read).
    mutating func readCompleted(at now: NIODeadline, sawRequestParts: Bool) -> NIODeadline? {
        lastActivity = now
        guard !sawRequestParts, headDeadline == nil, !isClosing, !isProxying, case .idle = receive else { return nil }
        let deadline = now + configuration.headerTimeout
        headDeadline = deadline
        return deadline
    }

    /// The connection's one idle timer fired. A connection owing a response stays open (the backend's own
    /// timeout answers it); otherwise it closes once `idleTimeout` passed without activity, including a
    /// request body that stalled. The timer is re-armed only here, not per read.
    mutating func idleTimerFired(now: NIODeadline) -> IdleAction {
        if isClosing { return .stop }
        // While responses are owed, reading may be paused by us, so an unfinished head is not the client's fault.
        if !queue.isEmpty || isStreaming { return .check(at: now + configuration.idleTimeout) }
        if let requestDeadline, case .receiving = receive, now >= requestDeadline {
            self.requestDeadline = nil
            receive = .discarding
            let message = "the request did not arrive within its route's request_timeout"
            let response = routeLimits?.refusal(.requestTimeout, message)
                ?? GatewayError(.requestTimeout, message).response(allocator: ByteBufferAllocator())
            queue.append(Pending(framing: .closing, slot: .ready(response)))
            return .drain
        }
        if let headDeadline, !isProxying, case .idle = receive {
            if now >= headDeadline {
                self.headDeadline = nil
                receive = .discarding
                let error = GatewayError(.requestTimeout, "the request head did not arrive in time")
                queue.append(Pending(framing: .closing, slot: .ready(error.response(allocator: ByteBufferAllocator()))))
                return .drain
            }
        }
        let deadline = lastActivity + configuration.idleTimeout
        if now >= deadline {
            isClosing = true
            return .close
        }
        if case .receiving = receive, let requestDeadline { return .check(at: min(deadline, requestDeadline)) }
        return .check(at: min(deadline, headDeadline ?? deadline))
    }

    // MARK: streamed responses

    /// The streamed response's body is complete. Returns whether the connection closes now (its framing
    /// said so); otherwise call ``nextOutput()`` until nil, for the responses queued behind it.
    mutating func streamEnded() -> Bool {
        isStreaming = false
        return isClosing
    }

    /// The connection is gone: the streamed responses still waiting for their turn, which will never be written.
    mutating func abandonStreams() -> [ResponseStream] {
        isClosing = true
        return queue.compactMap { pending in
            if case .ready(let response) = pending.slot { return response.stream }
            return nil
        }
    }

    // MARK: proxied requests

    /// A request head the proxy takes: true when it may (it then owns the connection until
    /// ``proxyFinished(close:)``); false when the connection is closing, and the head goes to
    /// ``receivedHead(_:)`` instead, which discards it.
    mutating func proxyStarted() -> Bool {
        guard !isClosing, !isProxying, !quiescing, case .idle = receive else { return false }
        isProxying = true
        headDeadline = nil
        return true
    }

    /// The proxied exchange ended; with `close` (or while shutting down) the connection closes once its last
    /// bytes are sent.
    mutating func proxyFinished(close: Bool) -> Bool {
        isProxying = false
        if close || quiescing {
            isClosing = true
            receive = .discarding
            return true
        }
        return false
    }

    private var isReceiving: Bool {
        if case .receiving = receive { return true }
        return false
    }

    private mutating func refuseTooLarge() -> Action {
        receive = .discarding
        let message = "the request body is larger than the limit"
        let response = routeLimits?.maxBody != nil ? routeLimits?.refusal(.payloadTooLarge, message) : nil
        queue.append(Pending(framing: .closing, slot: .ready(response ?? GatewayError(.payloadTooLarge, message).response(allocator: ByteBufferAllocator()))))
        return .drain
    }

    private mutating func close() -> Action {
        isClosing = true
        receive = .discarding
        return .close
    }
}
