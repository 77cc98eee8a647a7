internal import NIOCore
internal import SluiceClient

/// Feeds a call that streams its requests from a ``RequestMessageStream``: each item encoded and sent as it
/// comes, the request side ended when the client ends it. An item that does not fit the request message
/// stops the feed and goes to `failed` (its owner cancels the call and answers with the 400).
///
/// Lives on the request's event loop.
final class GRPCRequestFeed: RequestMessageConsumer {
    private let route: GRPCRouteCall
    private let sender: any GRPCMessageSender
    private let allocator: ByteBufferAllocator
    /// Weak: the stream holds this feed until the adapter closes it.
    private weak var messages: RequestMessageStream?
    private var failed: ((GatewayError) -> Void)?

    private init(
        route: GRPCRouteCall, sender: any GRPCMessageSender, messages: RequestMessageStream, allocator: ByteBufferAllocator,
        failed: @escaping (GatewayError) -> Void
    ) {
        self.route = route
        self.sender = sender
        self.messages = messages
        self.allocator = allocator
        self.failed = failed
    }

    /// Starts feeding `sender` from `messages`.
    static func start(
        _ route: GRPCRouteCall, messages: RequestMessageStream, into sender: any GRPCMessageSender, allocator: ByteBufferAllocator,
        failed: @escaping (GatewayError) -> Void
    ) {
        messages.attach(GRPCRequestFeed(route: route, sender: sender, messages: messages, allocator: allocator, failed: failed))
    }

    func received(_ item: RequestMessageStream.Item) {
        guard let failed else {
            messages?.written()
            return
        }
        switch route.encode(item: item, allocator: allocator) {
        case .success(let message):
            let messages = self.messages
            // Written, or failed because the call ended: either way it no longer waits.
            sender.send(message).whenComplete { _ in messages?.written() }
        case .failure(let error):
            self.failed = nil
            messages?.written()
            failed(error)
        }
    }

    func ended() {
        guard failed != nil else { return }
        sender.finish()
    }
}

/// A client-streaming call over an adapter that streams the request messages: the one reply is answered as a
/// unary call's; a bad item answers 400 first and cancels the call.
enum GRPCClientStreamCall {
    typealias Completion = (Result<(GatewayResponse, GuardOutcome), any Error>) -> Void

    static func start(
        _ route: GRPCRouteCall, messages: RequestMessageStream, headers: GatewayHeaders, cancellation: CallCancellation?,
        on eventLoop: any EventLoop, allocator: ByteBufferAllocator, completion: @escaping Completion
    ) {
        // The call's own, so a bad item can stop it whether or not the adapter gave a cancellation.
        let own = CallCancellation()
        cancellation?.onCancel { own.cancel() }
        let answered = NIOLoopBoundBox(false, eventLoop: eventLoop)
        let (requests, responses) = route.caller.requestStreamingCall(
            path: route.path, metadata: route.metadata(from: headers), timeout: route.timeout, cancellation: own,
            on: eventLoop, onMessage: nil)
        GRPCRequestFeed.start(route, messages: messages, into: requests, allocator: allocator) { error in
            guard !answered.value else { return }
            answered.value = true
            own.cancel()
            // The client's mistake, not the backend's: the guard counts it as an answer.
            completion(.success((error.response(allocator: allocator), .success)))
        }
        responses.reply.assumeIsolated().whenComplete { result in
            guard !answered.value else { return }
            answered.value = true
            completion(result.map { GRPCReplyResponse.make($0, call: route, allocator: allocator) })
        }
    }
}
