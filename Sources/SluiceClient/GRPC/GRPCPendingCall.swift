internal import NIOCore

/// One call from `GRPCClient` to its reply: waiting for a stream, then on one. It ends once, by the reply, an
/// error, its deadline or its cancellation, whichever comes first; ending early resets its stream. A call
/// streaming responses keeps its consumer's demand (how many more messages it asked for, which its stream
/// handler reads no further than); one streaming requests keeps the messages sent before its stream opened.
///
/// Its state lives on its shard's event loop (checked on every access).
final class GRPCPendingCall: Sendable {
    private struct State {
        var isFinished = false
        var stream: (any Channel)?
        var timer: NIOScheduledCallback?
        /// Messages the consumer asked for and has not had yet.
        var demand = 0
        /// The response HEADERS' fields, for a streaming call's consumer before the reply.
        var responseHeaders: [(name: String, value: String)] = []
        /// The stream handler's way to hear of new demand.
        var demandChanged: (() -> Void)?
        /// Request messages sent before the stream opened; then the stream handler's way to write them.
        var outbound = CircularBuffer<Outbound>()
        var writer: ((Outbound) -> Void)?
        var requestEnded = false
    }

    /// One step of a streamed request.
    enum Outbound {
        case message(ByteBuffer, EventLoopPromise<Void>)
        case end
    }

    let path: String
    /// The request message; nil when the request is streamed (``enqueue(_:)``).
    let message: ByteBuffer?
    let metadata: [(String, String)]
    let deadline: NIODeadline
    /// For the timeout's message.
    let timeout: TimeAmount
    /// A server-streaming call's consumer, on the call's loop; nil for a unary call.
    let onMessage: (@Sendable (ByteBuffer) -> Void)?
    /// Told once the call's stream opened (a streaming call through a cluster binds its handle then).
    private let opened: (@Sendable (GRPCPendingCall) -> Void)?
    private let promise: EventLoopPromise<GRPCReply>
    private let state: NIOLoopBoundBox<State>

    init(
        path: String,
        message: ByteBuffer?,
        metadata: [(String, String)],
        deadline: NIODeadline,
        timeout: TimeAmount,
        onMessage: (@Sendable (ByteBuffer) -> Void)? = nil,
        opened: (@Sendable (GRPCPendingCall) -> Void)? = nil,
        promise: EventLoopPromise<GRPCReply>,
        eventLoop: any EventLoop
    ) {
        self.opened = opened
        self.path = path
        self.message = message
        self.metadata = metadata
        self.deadline = deadline
        self.timeout = timeout
        self.onMessage = onMessage
        self.promise = promise
        self.state = .makeBoxSendingValue(State(), eventLoop: eventLoop)
    }

    var eventLoop: any EventLoop { state.eventLoop }

    var isFinished: Bool { state.value.isFinished }

    /// Starts the deadline and listens for `cancellation`; on the call's loop.
    func arm(cancellation: CallCancellation?) {
        let eventLoop = state.eventLoop
        // A callback, not a task: no promise or closures per call. It fails only on a loop that is shut down.
        state.value.timer = try? eventLoop.scheduleCallback(at: deadline, handler: self)
        cancellation?.onCancel { [self] in
            eventLoop.execute { self.abort(ClientError(.cancelled, "gRPC call \(self.path) was cancelled")) }
        }
    }

    /// The stream the call went out on; closed at once if the call already ended.
    func attach(_ stream: any Channel) {
        if state.value.isFinished {
            stream.close(promise: nil)
        } else {
            state.value.stream = stream
            opened?(self)
        }
    }

    var demand: Int { state.value.demand }

    /// The response HEADERS' fields (a streaming call's, once they came); on the call's loop.
    var responseHeaders: [(name: String, value: String)] {
        get { state.value.responseHeaders }
        set { state.value.responseHeaders = newValue }
    }

    /// The consumer asked for `count` more messages.
    func request(_ count: Int) {
        guard count > 0, !state.value.isFinished else { return }
        let (sum, overflow) = state.value.demand.addingReportingOverflow(count)
        state.value.demand = overflow ? .max : sum
        state.value.demandChanged?()
    }

    /// Hands one message to the consumer, against its demand.
    func deliver(_ message: ByteBuffer) {
        state.value.demand -= 1
        onMessage?(message)
    }

    /// Set by the stream handler once it runs.
    func onDemandChanged(_ action: @escaping () -> Void) {
        state.value.demandChanged = action
    }

    /// A streamed request's next message, or its end: written at once on an open stream, else kept for it.
    func enqueue(_ item: Outbound) {
        guard !state.value.isFinished, !state.value.requestEnded else {
            if case .message(_, let promise) = item {
                promise.fail(
                    ClientError(.protocolError, "gRPC call \(path) takes no more messages: it ended, or its request did"))
            }
            return
        }
        if case .end = item { state.value.requestEnded = true }
        if let writer = state.value.writer {
            writer(item)
        } else {
            state.value.outbound.append(item)
        }
    }

    /// The stream handler takes over the request's writing: what waited, then each step as it comes.
    func startWriting(_ writer: @escaping (Outbound) -> Void) {
        while let item = state.value.outbound.popFirst() { writer(item) }
        state.value.writer = writer
    }

    /// The server refused the call's stream without processing it: the call lets go of it, to go out again.
    func detach() {
        state.value.stream = nil
        state.value.demandChanged = nil
    }

    /// Whether the call may go out again after the server refused its stream (REFUSED_STREAM, or above a
    /// GOAWAY's last stream: RFC 9113 §8.7 guarantees it was not processed): only while its request is whole
    /// in hand, so not once messages of a streamed request went out.
    var isRetriable: Bool { message != nil && !state.value.isFinished }

    func finish(_ result: Result<GRPCReply, ClientError>) {
        guard !state.value.isFinished else { return }
        state.value.isFinished = true
        state.value.timer?.cancel()
        state.value.timer = nil
        state.value.stream = nil
        state.value.demandChanged = nil
        state.value.writer = nil
        while let item = state.value.outbound.popFirst() {
            if case .message(_, let promise) = item {
                promise.fail(ClientError(.protocolError, "gRPC call \(path) ended before this message was sent"))
            }
        }
        promise.completeWith(result.mapError { $0 as any Error })
    }

    /// Ends the call with `error` and resets its stream (closing an open HTTP/2 stream channel sends
    /// RST_STREAM CANCEL), so the server stops working on it.
    func abort(_ error: ClientError) {
        let stream = state.value.stream
        finish(.failure(error))
        stream?.close(promise: nil)
    }
}

extension GRPCPendingCall: NIOScheduledCallbackHandler {
    /// The deadline; on the call's loop.
    func handleScheduledCallback(eventLoop: some EventLoop) {
        let what = onMessage == nil ? "got no answer" : "did not end"
        abort(ClientError(.requestTimeout, "gRPC call \(path) \(what) within \(timeout.nanoseconds / 1_000_000) ms"))
    }
}
