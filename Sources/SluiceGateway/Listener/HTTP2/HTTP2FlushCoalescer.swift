internal import NIOCore

/// Turns the flushes of one event-loop turn into one socket write on an HTTP/2 connection.
///
/// Each stream flushes its own answer, and NIOHTTP2 passes every stream flush on to the socket: with many
/// streams answered by one burst of backend replies that is a `writev` per answer. Sitting between the
/// socket and NIOHTTP2, this lets the first flush of a turn through only at the end of the turn
/// (`execute`), by which time the other answers of the burst are written too.
final class HTTP2FlushCoalescer: ChannelOutboundHandler {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private var flushScheduled = false

    func flush(context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            guard self.flushScheduled else { return }
            self.flushScheduled = false
            context.flush()
        }
    }

    /// What is written goes out before the close (a GOAWAY, say), not at the end of the turn, after it.
    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if flushScheduled {
            flushScheduled = false
            context.flush()
        }
        context.close(mode: mode, promise: promise)
    }
}

@available(*, unavailable)
extension HTTP2FlushCoalescer: Sendable {}
