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
