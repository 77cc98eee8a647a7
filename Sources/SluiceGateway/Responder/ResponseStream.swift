internal import NIOCore

/// The body of a response that streams: the messages of a server-streaming call, produced over time and
/// written as the client takes them.
///
/// Two sides meet here, both on the request's event loop. The call produces: ``yield(_:)`` each message,
/// ``finish(_:outcome:)`` once. The protocol adapter consumes: it writes the response's head, then
/// ``attach(_:)``es a ``ResponseStreamSink``, says when that sink can take more (``writable()``) and
/// ``cancel()``s when its client goes away. The call is asked for one message at a time, and only while the
/// sink is writable, so a client that reads slowly slows the backend (for gRPC through HTTP/2 flow control)
/// and no more than a message or two wait here.
final class ResponseStream: Sendable {
    /// One piece of the body, before an adapter frames it.
    enum Part {
        /// One message's JSON.
        case message(ByteBuffer)
        /// The stream failed after its head went out: the gRPC status `code` (an HTTP status for the
        /// client's framing, through ``GRPCStatusResponse/httpStatus(of:)``) and its JSON: the backend's
        /// `{"code", "message", "details"}`, or the gateway's own error (`{"error": {...}}`, code 3) for a
        /// WebSocket item that did not fit. Always the last part.
        case error(code: Int, body: ByteBuffer)
    }

    private struct State {
        var queue = CircularBuffer<Part>(initialCapacity: 2)
        var sink: (any ResponseStreamSink)?
        /// Messages asked of the call and not yet yielded.
        var asked = 0
        var producerFinished = false
        /// The sink was ended, or the stream cancelled: nothing more happens.
        var isDone = false
        var outcome: GuardOutcome?
        var onOutcome: ((GuardOutcome) -> Void)?
    }

    /// How an HTTP client gets the parts (WebSocket replies ignore it).
    let format: ResponseStreamFormat
    private let state: NIOLoopBoundBox<State>
    /// The call's: ask for `n` more messages.
    private let request: @Sendable (Int) -> Void
    /// The call's: give up on it (the client went away).
    private let cancelCall: @Sendable () -> Void

    /// - Parameters:
    ///   - first: the message that started the stream, if any (the head goes out once there is one).
    ///   - request: asks the call for more messages; each comes back through ``yield(_:)``.
    ///   - cancel: stops the call; it then still ends through ``finish(_:outcome:)``.
    init(
        format: ResponseStreamFormat, first: ByteBuffer?, eventLoop: any EventLoop,
        request: @escaping @Sendable (Int) -> Void, cancel: @escaping @Sendable () -> Void
    ) {
        self.format = format
        var initial = State()
        if let first { initial.queue.append(.message(first)) }
        self.state = .makeBoxSendingValue(initial, eventLoop: eventLoop)
        self.request = request
        self.cancelCall = cancel
    }

    // MARK: the call's side

    /// The call's next message, which it was asked for.
    func yield(_ message: ByteBuffer) {
        guard !state.value.isDone else { return }
        state.value.asked = max(0, state.value.asked - 1)
        state.value.queue.append(.message(message))
        pump()
    }

    /// The call ended: with `last` (an error part) when it failed, and how the guard counts it.
    func finish(_ last: Part?, outcome: GuardOutcome) {
        guard !state.value.producerFinished else { return }
        state.value.producerFinished = true
        if let onOutcome = state.value.onOutcome {
            state.value.onOutcome = nil
            onOutcome(outcome)
        } else {
            state.value.outcome = outcome
        }
        guard !state.value.isDone else { return }
        if let last { state.value.queue.append(last) }
        pump()
    }

    /// Called once with the call's outcome when it ends (at once if it has), for the guard; a cancelled
    /// stream's call still ends.
    func whenFinished(_ action: @escaping (GuardOutcome) -> Void) {
        if let outcome = state.value.outcome {
            state.value.outcome = nil
            action(outcome)
        } else {
            state.value.onOutcome = action
        }
    }

    // MARK: the adapter's side

    /// The head is written: parts go to `sink` from now on.
    func attach(_ sink: any ResponseStreamSink) {
        guard !state.value.isDone else { return }
        state.value.sink = sink
        pump()
    }

    /// The sink can take more again.
    func writable() {
        pump()
    }

    /// The client went away (or will read no body): the call is stopped, nothing more is written.
    func cancel() {
        guard !state.value.isDone else { return }
        state.value.isDone = true
        state.value.sink = nil
        state.value.queue.removeAll()
        if !state.value.producerFinished { cancelCall() }
    }

    /// Hands the sink what is in, ends it after the last part, and asks the call for the next message while
    /// the sink has room.
    private func pump() {
        guard let sink = state.value.sink, !state.value.isDone else { return }
        while let part = state.value.queue.popFirst() {
            sink.write(part)
            // A write can end the stream (the client went away mid-write).
            if state.value.isDone { return }
        }
        if state.value.producerFinished {
            state.value.isDone = true
            state.value.sink = nil
            return sink.end()
        }
        if state.value.asked == 0, sink.isWritable {
            state.value.asked = 1
            request(1)
        }
    }
}

/// Where a protocol adapter takes a ``ResponseStream``'s parts.
protocol ResponseStreamSink: AnyObject {
    /// Whether the client takes more now (the socket's buffer, or the HTTP/2 stream's window).
    var isWritable: Bool { get }
    /// Writes and flushes one part.
    func write(_ part: ResponseStream.Part)
    /// The body is complete.
    func end()
}
