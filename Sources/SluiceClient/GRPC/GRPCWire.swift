internal import NIOCore

/// A gRPC call through a cluster, as ``GRPCClient/start`` makes it: each attempt is a copy with its own timeout,
/// which its stream sends as `grpc-timeout`.
struct GRPCClusterCall: Sendable {
    var path: String
    /// The one request message; nil for calls whose requests stream.
    var message: ByteBuffer?
    var metadata: [(String, String)]
    var timeout: TimeAmount
    var cancellation: CallCancellation?
    var onMessage: (@Sendable (ByteBuffer) -> Void)?
    /// Hands the attempt's stream to a streaming call's handle.
    var started: (@Sendable (GRPCPendingCall) -> Void)?

    /// Streaming calls pick their endpoint and report their outcome like unary ones, but are sent again only
    /// when an attempt failed before its stream opened: a stream's messages are handed on as they come, so
    /// once one went out there is nothing to replay (as Envoy, which retries only before anything streamed).
    /// The caller's handle binds to the attempt whose stream opens.
    var isStreaming: Bool { started != nil || onMessage != nil }
}

/// gRPC attempts: each endpoint's transport is a ``GRPCClient`` of that one endpoint (its per-loop shards and
/// HTTP/2 connections), and a reply whose status is not OK is a failed attempt (`grpc:<code>`) for retries and
/// outlier detection; one that is not retried reaches the caller as the reply it is.
enum GRPCWire: ClusterWire {
    static func send(_ call: GRPCClusterCall, on transport: GRPCClient, promise: EventLoopPromise<GRPCReply>) {
        transport.start(
            call.path, call.message, call.metadata, call.timeout, call.cancellation, promise, onMessage: call.onMessage,
            started: call.started, startedWhenOpen: true)
    }

    static func shutdown(_ transport: GRPCClient) async { await transport.shutdown() }

    static func connections(of transport: GRPCClient) -> Int? { transport.connections.value }

    static func timeout(of call: GRPCClusterCall) -> TimeAmount { call.timeout }
    static func cancellation(of call: GRPCClusterCall) -> CallCancellation? { call.cancellation }
    static func mayRetry(_ call: GRPCClusterCall) -> Bool { !call.isStreaming }
    /// Before its stream opened a streaming call took nothing with it: a connect failure is retried.
    static func mayRetryUnsent(_ call: GRPCClusterCall) -> Bool { true }
    static func mayHedge(_ call: GRPCClusterCall) -> Bool { !call.isStreaming }

    static func attempt(
        of call: GRPCClusterCall, deadline: NIODeadline, timeout: TimeAmount, cancellation: CallCancellation?
    ) -> GRPCClusterCall {
        var attempt = call
        attempt.timeout = timeout
        if let cancellation { attempt.cancellation = cancellation }
        return attempt
    }

    /// The server answered, so the request was written: a non-idempotent route does not retry a status.
    static func failure(of reply: GRPCReply) -> AttemptFailure? {
        reply.isOK ? nil : AttemptFailure(.grpc(reply.statusCode), requestWritten: true)
    }

    static func note(_ reply: inout GRPCReply, endpoint: String, attempts: Int) {
        reply.endpoint = endpoint
        reply.attempts = attempts
    }
}
