public import NIOCore
public import SluiceClient

/// The one client operation the gateway needs of a Thrift service. `ThriftClient` is the real one (with a
/// cluster: balancing, retries, hedging); tests answer from memory.
public protocol ThriftCaller: AnyObject, Sendable {
    /// See `ThriftClient.call`: `arguments` is the encoded `_args` struct body; the future completes on
    /// `eventLoop` with the reply or a `ClientError`. `policy` is the route's override of the service's
    /// timeout, retry and hedge settings; `hashKey` the request's key for a `consistent_hash` balancer;
    /// `metainfo` what the call carries in its transport's header (trace context).
    func call(
        method: String,
        oneway: Bool,
        arguments: ByteBuffer,
        timeout: TimeAmount?,
        cancellation: CallCancellation?,
        policy: CallPolicyOverride?,
        hashKey: UInt64?,
        metainfo: [(key: String, value: String)],
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<ThriftReply>

    /// Each endpoint's standing, for the admin API; nil when the client has no cluster (one static endpoint).
    func endpointStatuses() async -> [EndpointStatus]?

    /// The open connections of a client without a cluster (to its one endpoint); nil with a cluster, whose
    /// ``endpointStatuses()`` say it per endpoint, or when it keeps no count.
    var openConnections: Int? { get }

    func shutdown() async
}

extension ThriftCaller {
    public func endpointStatuses() async -> [EndpointStatus]? { nil }
    public var openConnections: Int? { nil }
}

extension ThriftClient: ThriftCaller {}

/// The same for a gRPC service: `GRPCClient` is the real one.
public protocol GRPCCaller: AnyObject, Sendable {
    /// See `GRPCClient.call`: `message` is the encoded request; the reply carries any status, and the future
    /// fails only with a `ClientError` (no gRPC answer at all). `policy` and `hashKey` as for `ThriftCaller`;
    /// the streaming calls below take a `hashKey` but no policy (they are sent once).
    func call(
        path: String,
        message: ByteBuffer,
        metadata: [(String, String)],
        timeout: TimeAmount,
        cancellation: CallCancellation?,
        policy: CallPolicyOverride?,
        hashKey: UInt64?,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<GRPCReply>

    /// A client-streaming call whose request messages are all in hand (an HTTP body of several): each is
    /// sent as the stream's flow control allows, then the request side ends; the reply as for ``call``.
    func call(
        path: String,
        messages: [ByteBuffer],
        metadata: [(String, String)],
        timeout: TimeAmount,
        cancellation: CallCancellation?,
        hashKey: UInt64?,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<GRPCReply>

    /// A call whose responses stream: server-streaming (`messages` is the one request), or bidi with its
    /// request messages all in hand (an HTTP body of several), sent then ended as for the list ``call``. No
    /// response message comes before the stream's `request` asks for it; each comes to `onMessage` on
    /// `eventLoop`, and the stream's `reply` completes after the last with the status.
    func streamingCall(
        path: String,
        messages: [ByteBuffer],
        clientStreaming: Bool,
        metadata: [(String, String)],
        timeout: TimeAmount,
        cancellation: CallCancellation?,
        hashKey: UInt64?,
        on eventLoop: any EventLoop,
        onMessage: @escaping @Sendable (ByteBuffer) -> Void
    ) -> any GRPCMessageStream

    /// A call whose request messages come one by one, sent as they come (a WebSocket client's items): bidi
    /// when `onMessage` is given (responses as for ``streamingCall``), client-streaming otherwise (the
    /// responses' `reply` carries the one response message, and `request` does nothing).
    func requestStreamingCall(
        path: String,
        metadata: [(String, String)],
        timeout: TimeAmount,
        cancellation: CallCancellation?,
        hashKey: UInt64?,
        on eventLoop: any EventLoop,
        onMessage: (@Sendable (ByteBuffer) -> Void)?
    ) -> (requests: any GRPCMessageSender, responses: any GRPCMessageStream)

    /// Each endpoint's standing, for the admin API; nil when the client has no cluster.
    func endpointStatuses() async -> [EndpointStatus]?

    /// The open connections of a client without a cluster (to its one endpoint); nil with a cluster, whose
    /// ``endpointStatuses()`` say it per endpoint, or when it keeps no count.
    var openConnections: Int? { get }

    func shutdown() async
}

/// The request side of a call that streams its requests.
public protocol GRPCMessageSender: Sendable {
    /// Sends one message; the future completes once it is written (the stream's flow-control window allowing),
    /// and fails once the call has ended.
    func send(_ message: ByteBuffer) -> EventLoopFuture<Void>
    /// Ends the request side.
    func finish()
}

extension GRPCRequestStream: GRPCMessageSender {}

/// A client-streaming call's reply as a stream of no messages: the `reply` carries the one message.
private struct GRPCSingleReply: GRPCMessageStream {
    let reply: EventLoopFuture<GRPCReply>
    func request(_ count: Int) {}
    /// Its reply's own (`GRPCReply.headers`).
    var headers: [(name: String, value: String)] { [] }
}

/// The response side of a streaming call: demand in, messages (to the call's `onMessage`) and the status out.
public protocol GRPCMessageStream: Sendable {
    /// Completes once every message was delivered, with the status; fails with a `ClientError` when there was
    /// no gRPC answer.
    var reply: EventLoopFuture<GRPCReply> { get }
    /// Asks for `count` more messages.
    func request(_ count: Int)
    /// The response HEADERS' fields, by the time the first message comes (on the call's loop).
    var headers: [(name: String, value: String)] { get }
}

extension GRPCResponseStream: GRPCMessageStream {}

extension GRPCCaller {
    public func endpointStatuses() async -> [EndpointStatus]? { nil }
    public var openConnections: Int? { nil }
}

extension GRPCClient: GRPCCaller {
    public func streamingCall(
        path: String, messages: [ByteBuffer], clientStreaming: Bool, metadata: [(String, String)], timeout: TimeAmount,
        cancellation: CallCancellation?, hashKey: UInt64?, on eventLoop: any EventLoop,
        onMessage: @escaping @Sendable (ByteBuffer) -> Void
    ) -> any GRPCMessageStream {
        guard clientStreaming else {
            return serverStreamingCall(
                path: path, message: messages.first ?? ByteBuffer(), metadata: metadata, timeout: timeout,
                cancellation: cancellation, hashKey: hashKey, on: eventLoop, onMessage: onMessage)
        }
        let (requests, responses) = bidirectionalStreamingCall(
            path: path, metadata: metadata, timeout: timeout, cancellation: cancellation, hashKey: hashKey, on: eventLoop,
            onMessage: onMessage)
        for message in messages { _ = requests.send(message) }
        requests.finish()
        return responses
    }

    public func requestStreamingCall(
        path: String, metadata: [(String, String)], timeout: TimeAmount, cancellation: CallCancellation?,
        hashKey: UInt64?, on eventLoop: any EventLoop, onMessage: (@Sendable (ByteBuffer) -> Void)?
    ) -> (requests: any GRPCMessageSender, responses: any GRPCMessageStream) {
        guard let onMessage else {
            let (requests, reply) = clientStreamingCall(
                path: path, metadata: metadata, timeout: timeout, cancellation: cancellation, hashKey: hashKey, on: eventLoop)
            return (requests, GRPCSingleReply(reply: reply))
        }
        let (requests, responses) = bidirectionalStreamingCall(
            path: path, metadata: metadata, timeout: timeout, cancellation: cancellation, hashKey: hashKey, on: eventLoop,
            onMessage: onMessage)
        return (requests, responses)
    }

    public func call(
        path: String, messages: [ByteBuffer], metadata: [(String, String)], timeout: TimeAmount,
        cancellation: CallCancellation?, hashKey: UInt64?, on eventLoop: any EventLoop
    ) -> EventLoopFuture<GRPCReply> {
        let (requests, reply) = clientStreamingCall(
            path: path, metadata: metadata, timeout: timeout, cancellation: cancellation, hashKey: hashKey, on: eventLoop)
        // Queued at once: the body they came from is already held whole (within `limits.max_body`), and the
        // call writes them only as its stream's window opens.
        for message in messages { _ = requests.send(message) }
        requests.finish()
        return reply
    }
}
