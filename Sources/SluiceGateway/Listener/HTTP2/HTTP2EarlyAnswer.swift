internal import NIOCore
internal import NIOHTTP2

/// A stream answered before its request ended (413, 408, a refused CONNECT, a proxied answer that finished
/// first). What the client still sends is read and dropped, up to ``budget`` bytes, so that a client finishing
/// a short upload sees a clean end (clients such as curl report a reset stream as a failed transfer even when
/// the answer arrived whole). More than that, or no END_STREAM within the idle timeout, and the stream is reset
/// with NO_ERROR: the client may stop sending, nothing failed (RFC 9113 §8.1).
struct HTTP2EarlyAnswer {
    static let budget = 64 << 10

    private var remaining = Self.budget

    /// Counts `bytes` dropped; `true` once past the budget.
    mutating func dropped(_ bytes: Int) -> Bool {
        remaining -= bytes
        return remaining < 0
    }

    static func stopRequest(on context: ChannelHandlerContext) {
        context.writeAndFlush(NIOAny(HTTP2Frame.FramePayload.rstStream(.noError)), promise: nil)
        context.close(promise: nil)
    }

    /// Resets the stream after `timeout` unless the returned task is cancelled (the request ended).
    static func deadline(_ timeout: TimeAmount, on context: ChannelHandlerContext) -> Scheduled<Void> {
        context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { stopRequest(on: context) }
    }
}
