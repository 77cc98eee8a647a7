internal import NIOCore

/// Turns the flushes of one event-loop turn into one socket write on a client HTTP/2 connection.
///
/// Calls start from other channels' reads (the gateway's clients), each on a stream of its own, and NIOHTTP2
/// coalesces stream flushes only while the connection itself is reading: outside that, every call's HEADERS
/// and DATA cost a `writev` and a wake-up of the server. Sitting between the socket (or TLS) and NIOHTTP2, this
/// lets the first flush of a turn through only at the end of the turn (`execute`), by which time the other
/// calls the turn started are written too.
final class HTTP2ClientFlushCoalescer: ChannelOutboundHandler {
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
        flushNow(context)
        context.close(mode: mode, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        flushNow(context)
    }

    private func flushNow(_ context: ChannelHandlerContext) {
        guard flushScheduled else { return }
        flushScheduled = false
        context.flush()
    }
}

@available(*, unavailable)
extension HTTP2ClientFlushCoalescer: Sendable {}
