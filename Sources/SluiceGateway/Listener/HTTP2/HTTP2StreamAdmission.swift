internal import NIOCore
internal import NIOHTTP2

/// Holds an HTTP/2 connection to `max_concurrent_streams` before the client has acknowledged the setting.
///
/// NIOHTTP2 enforces the limit only once the client's SETTINGS ACK arrives (and then treats a stream over it
/// as a connection error). Until then a client may open any number of streams, as the protocol allows it to
/// start before it has read the server's SETTINGS (RFC 9113 §3.4); those over the limit are refused here with
/// RST_STREAM REFUSED_STREAM, which tells the client they were not processed and may be retried (§8.7).
final class HTTP2StreamAdmission {
    private let limit: Int
    private var open = 0

    init(limit: Int) {
        self.limit = limit
    }

    /// Admits `stream` (counted until it closes), or makes it refuse itself; `true` when admitted.
    func admit(_ stream: any Channel) throws -> Bool {
        guard open < limit else {
            try stream.pipeline.syncOperations.addHandler(Refusal())
            return false
        }
        open += 1
        stream.closeFuture.assumeIsolated().whenComplete { _ in self.open -= 1 }
        return true
    }

    /// Says REFUSED_STREAM once the stream channel is active (a write in its initializer would be too early).
    private final class Refusal: ChannelInboundHandler {
        typealias InboundIn = HTTP2Frame.FramePayload
        typealias OutboundOut = HTTP2Frame.FramePayload

        func channelActive(context: ChannelHandlerContext) {
            context.writeAndFlush(wrapOutboundOut(.rstStream(.refusedStream)), promise: nil)
            context.close(promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
    }
}

@available(*, unavailable)
extension HTTP2StreamAdmission: Sendable {}
