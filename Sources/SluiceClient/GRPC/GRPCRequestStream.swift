public import NIOCore

/// The request side of a client-streaming or bidirectional call: messages written one by one, then the end.
public final class GRPCRequestStream: Sendable {
    private let handle: GRPCCallHandle
    private let eventLoop: any EventLoop

    init(handle: GRPCCallHandle, eventLoop: any EventLoop) {
        self.handle = handle
        self.eventLoop = eventLoop
    }

    /// Sends one message (from any thread). The future (on the call's event loop) succeeds once the message is
    /// written to the connection, which waits for the stream's flow-control window: waiting for it before the
    /// next send keeps the server's pace. It fails with a ``ClientError`` once the call has ended, or after
    /// ``finish()``.
    public func send(_ message: ByteBuffer) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        handle.withCall({ $0.enqueue(.message(message, promise)) }, orElse: { promise.fail($0) })
        return promise.futureResult
    }

    /// Ends the request side (END_STREAM); later sends fail.
    public func finish() {
        handle.withCall { $0.enqueue(.end) }
    }
}
