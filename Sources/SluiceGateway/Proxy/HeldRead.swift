internal import NIOCore

/// A channel's `read()` held back while the socket its bytes go to takes no more (backpressure), and passed on
/// when that socket drains.
struct HeldRead {
    private var pending = false

    /// From a handler's `read(context:)`: passes it on when `allowed`, else holds it.
    mutating func read(_ context: ChannelHandlerContext, allowed: Bool) {
        if allowed {
            context.read()
        } else {
            pending = true
        }
    }

    /// Passes on a held read.
    mutating func resume(_ context: ChannelHandlerContext?) {
        guard pending, let context else { return }
        pending = false
        context.read()
    }

    /// Whether a read was held, forgetting it: the caller passes it on once this value is no longer being
    /// mutated, as a channel that delivers inside `read()` (an HTTP/2 stream) calls `read(_:allowed:)` again.
    mutating func takePending() -> Bool {
        defer { pending = false }
        return pending
    }
}
