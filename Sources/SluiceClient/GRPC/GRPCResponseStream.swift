public import NIOCore

/// The response side of a server-streaming or bidirectional call: the consumer's demand in, the final status
/// out.
public final class GRPCResponseStream: Sendable {
    /// Completes once every message was delivered: the status, headers and trailers (`message` nil); fails
    /// with a ``ClientError`` when there is no gRPC answer, or the deadline or a cancellation comes first.
    public let reply: EventLoopFuture<GRPCReply>
    private let handle: GRPCCallHandle

    init(reply: EventLoopFuture<GRPCReply>, handle: GRPCCallHandle) {
        self.reply = reply
        self.handle = handle
    }

    /// The response HEADERS' fields (pseudo-headers left out), once they came: by the first message. On the
    /// call's event loop (where `onMessage` runs); empty elsewhere or before.
    public var headers: [(name: String, value: String)] {
        guard let call = handle.current, call.eventLoop.inEventLoop else { return [] }
        return call.responseHeaders
    }

    /// Asks for `count` more messages (from any thread); each comes to the call's `onMessage`.
    public func request(_ count: Int = 1) {
        guard count > 0 else { return }
        handle.withCall { $0.request(count) }
    }
}
