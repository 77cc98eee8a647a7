public import NIOCore

/// The streaming calls: the same connections, streams and deadlines as unary calls, messages handed out (or
/// written) one by one at the pace each side's flow control sets.
extension GRPCClient {
    /// Sends one server-streaming call: the request message, then the server's messages one by one, as the
    /// consumer asks for them.
    ///
    /// No message comes before ``GRPCResponseStream/request(_:)`` asks for it, and the stream is read (its
    /// flow-control window opened to the server) only as fast as they are asked for: a slow consumer slows the
    /// server, and no more than a window's bytes wait here.
    ///
    /// - Parameters:
    ///   - timeout: the whole stream's deadline, as gRPC has it (not a time between messages).
    ///   - onMessage: called with each message on the loop the call runs on (`eventLoop` when it is one of the
    ///     group's, as it is for the gateway), in order, never after the reply completed.
    ///   - The rest as for ``call(path:message:metadata:timeout:cancellation:on:)``.
    ///   - hashKey: with a `cluster` whose balancer is `consistentHash`, the call's key. A streaming call picks
    ///     its endpoint through the cluster; it is never hedged, and retried only when an attempt failed before
    ///     its stream opened (a connect failure, when the retry policy's `on` names it).
    /// - Returns: the stream, whose `reply` completes once every message was delivered, with the status, the
    ///   headers and trailers (its `message` nil), or fails like a unary call's.
    public func serverStreamingCall(
        path: String,
        message: ByteBuffer,
        metadata: [(String, String)] = [],
        timeout: TimeAmount,
        cancellation: CallCancellation? = nil,
        hashKey: UInt64? = nil,
        on eventLoop: any EventLoop,
        onMessage: @escaping @Sendable (ByteBuffer) -> Void
    ) -> GRPCResponseStream {
        let promise = eventLoop.makePromise(of: GRPCReply.self)
        let handle = handle(for: promise.futureResult)
        start(path, message, metadata, timeout, cancellation, promise, onMessage: onMessage, started: handle.started, hashKey: hashKey)
        return GRPCResponseStream(reply: promise.futureResult, handle: handle)
    }

    /// Starts a client-streaming call: request messages sent one by one on `requests`, then its `finish()`;
    /// the reply (one response message) as for a unary call.
    ///
    /// - Parameters: as for ``call(path:message:metadata:timeout:cancellation:on:)``; the deadline covers the
    ///   whole call.
    public func clientStreamingCall(
        path: String,
        metadata: [(String, String)] = [],
        timeout: TimeAmount,
        cancellation: CallCancellation? = nil,
        hashKey: UInt64? = nil,
        on eventLoop: any EventLoop
    ) -> (requests: GRPCRequestStream, reply: EventLoopFuture<GRPCReply>) {
        let promise = eventLoop.makePromise(of: GRPCReply.self)
        let handle = handle(for: promise.futureResult)
        start(path, nil, metadata, timeout, cancellation, promise, onMessage: nil, started: handle.started, hashKey: hashKey)
        return (GRPCRequestStream(handle: handle, eventLoop: eventLoop), promise.futureResult)
    }

    /// Starts a bidirectional call: request messages as for ``clientStreamingCall(path:metadata:timeout:cancellation:on:)``,
    /// response messages as for ``serverStreamingCall(path:message:metadata:timeout:cancellation:on:onMessage:)``;
    /// the two sides run independently.
    public func bidirectionalStreamingCall(
        path: String,
        metadata: [(String, String)] = [],
        timeout: TimeAmount,
        cancellation: CallCancellation? = nil,
        hashKey: UInt64? = nil,
        on eventLoop: any EventLoop,
        onMessage: @escaping @Sendable (ByteBuffer) -> Void
    ) -> (requests: GRPCRequestStream, responses: GRPCResponseStream) {
        let promise = eventLoop.makePromise(of: GRPCReply.self)
        let handle = handle(for: promise.futureResult)
        start(path, nil, metadata, timeout, cancellation, promise, onMessage: onMessage, started: handle.started, hashKey: hashKey)
        return (
            GRPCRequestStream(handle: handle, eventLoop: eventLoop),
            GRPCResponseStream(reply: promise.futureResult, handle: handle)
        )
    }

    /// A streaming call's handle. Through a cluster it binds when an attempt's stream opens, so it must hear of
    /// a call that ends with none open; without one it binds when the call starts, and needs no such callback.
    private func handle(for reply: EventLoopFuture<GRPCReply>) -> GRPCCallHandle {
        cluster == nil ? GRPCCallHandle() : GRPCCallHandle.ending(with: reply)
    }
}
