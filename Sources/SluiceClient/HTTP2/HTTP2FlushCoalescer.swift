package import NIOCore

/// Turns the flushes of one event-loop turn into one socket write on an HTTP/2 connection, either side.
///
/// NIOHTTP2 coalesces stream flushes only while the connection itself is reading. Outside that, each stream's
/// flush reaches the socket: on the gateway's gRPC client connections, every call (started from another
/// channel's read) costs a `writev`; on its HTTP/2 listeners, every stream answered by one burst of backend
/// replies does. Sitting between the socket (or TLS) and NIOHTTP2, this lets the first flush of a turn through
/// only at the end of the turn (`execute`), by which time the turn's other streams have written too.
package final class HTTP2FlushCoalescer: ChannelOutboundHandler {
    package typealias OutboundIn = IOData
    package typealias OutboundOut = IOData

    package init() {}


    private var flushScheduled = false

    package func flush(context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            guard self.flushScheduled else { return }
            self.flushScheduled = false
            context.flush()
        }
    }

    /// What is written goes out before the close (a GOAWAY, say), not at the end of the turn, after it.
    package func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        flushNow(context)
        context.close(mode: mode, promise: promise)
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        flushNow(context)
    }

    private func flushNow(_ context: ChannelHandlerContext) {
        guard flushScheduled else { return }
        flushScheduled = false
        context.flush()
    }
}

@available(*, unavailable)
extension HTTP2FlushCoalescer: Sendable {}
