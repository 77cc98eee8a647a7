internal import NIOCore

/// One call from `GRPCClient.call` (or `serverStreamingCall`) to its reply: waiting for a stream, then on
/// one. It ends once, by the reply, an error, its deadline or its cancellation, whichever comes first; ending
/// early resets its stream. A streaming call also keeps its consumer's demand: how many more messages it asked
/// for, which its stream handler reads no further than.
///
/// Its state lives on its shard's event loop (checked on every access).
final class GRPCPendingCall: Sendable {
    private struct State {
        var isFinished = false
        var stream: (any Channel)?
        var timer: Scheduled<Void>?
        /// Messages the consumer asked for and has not had yet.
        var demand = 0
        /// The stream handler's way to hear of new demand.
        var demandChanged: (() -> Void)?
    }

    let path: String
    let message: ByteBuffer
    let metadata: [(String, String)]
    let deadline: NIODeadline
    /// For the timeout's message.
    let timeout: TimeAmount
    /// A server-streaming call's consumer, on the call's loop; nil for a unary call.
    let onMessage: (@Sendable (ByteBuffer) -> Void)?
    private let promise: EventLoopPromise<GRPCReply>
    private let state: NIOLoopBoundBox<State>

    init(
        path: String,
        message: ByteBuffer,
        metadata: [(String, String)],
        deadline: NIODeadline,
        timeout: TimeAmount,
        onMessage: (@Sendable (ByteBuffer) -> Void)? = nil,
        promise: EventLoopPromise<GRPCReply>,
        eventLoop: any EventLoop
    ) {
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
        state.value.timer = eventLoop.scheduleTask(deadline: deadline) { [self] in
            let what = onMessage == nil ? "got no answer" : "did not end"
            abort(ClientError(.requestTimeout, "gRPC call \(path) \(what) within \(timeout.nanoseconds / 1_000_000) ms"))
        }
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
        }
    }

    var demand: Int { state.value.demand }

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

    func finish(_ result: Result<GRPCReply, ClientError>) {
        guard !state.value.isFinished else { return }
        state.value.isFinished = true
        state.value.timer?.cancel()
        state.value.timer = nil
        state.value.stream = nil
        state.value.demandChanged = nil
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
