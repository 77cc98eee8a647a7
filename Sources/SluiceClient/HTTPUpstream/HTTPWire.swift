package import NIOCore

/// A proxied HTTP request as its service's cluster sends it (``HTTPWire``): each attempt is a copy with its own
/// timeout. The gateway's exchange keeps the request's bytes; an attempt only finds it a connection or stream
/// and hands it over, through `receiver`.
package struct HTTPClusterCall: Sendable {
    /// How long an attempt waits for a connection, and then for the response head once the request is sent.
    package var timeout: TimeAmount
    package var cancellation: CallCancellation?
    package var webSocket: Bool
    /// Whether the exchange can send the request again after it was written: its whole body is kept (a bounded
    /// one, small enough to hold), as Envoy buffers a request it may retry.
    package var replayable: Bool
    /// Who takes each attempt's link (the gateway's exchange); opaque here, as the links are the gateway's.
    package var receiver: any HTTPAttemptReceiver

    package init(
        timeout: TimeAmount, cancellation: CallCancellation?, webSocket: Bool, replayable: Bool,
        receiver: any HTTPAttemptReceiver
    ) {
        self.timeout = timeout
        self.cancellation = cancellation
        self.webSocket = webSocket
        self.replayable = replayable
        self.receiver = receiver
    }
}

/// The side of a proxied request that writes it on each attempt's link: only its transports know its type.
package protocol HTTPAttemptReceiver: AnyObject, Sendable {}

/// One endpoint of an HTTP upstream, as its cluster sees it: it runs an attempt (finds a link, hands it to the
/// call's receiver, which reports the response head to `attempt`), and drains when the endpoint goes away.
package protocol HTTPAttemptTransport: Sendable {
    /// Runs on `eventLoop`; `attempt` is reported exactly once, by the transport or the receiver.
    func start(_ call: HTTPClusterCall, on eventLoop: any EventLoop, attempt: HTTPAttempt)
    func shutdown() async
    /// Its open connections; nil when it keeps no count.
    var connections: ConnectionGauge? { get }
}

extension HTTPAttemptTransport {
    package var connections: ConnectionGauge? { nil }
}

/// How an attempt was answered: what retries, outlier detection and balancers read of a response head.
package struct HTTPAttemptReply: Sendable, Hashable {
    package var status: Int
    /// A gRPC response's `grpc-status` when its head carried one (trailers-only).
    package var grpcStatus: Int?

    package init(status: Int, grpcStatus: Int? = nil) {
        self.status = status
        self.grpcStatus = grpcStatus
    }
}

/// HTTP attempts: an attempt runs from taking a connection (or an HTTP/2 stream) to the response head, which is
/// when the exchange knows whether to relay the response or try again, so that is what the balancer times and
/// the outlier detector judges. A 5xx head (or a non-OK trailers-only gRPC status) is a failed attempt, retried
/// when the policy says so (`http:503`, `http:5xx`, `grpc:UNAVAILABLE`) and otherwise relayed as it is.
///
/// Declared here, beside the cluster, and used through ``HTTPCluster``, so the cluster's generic code is
/// specialised for it in this module: instantiated from the gateway, it ran unspecialised (generic metadata
/// looked up at every step, several µs per request).
enum HTTPWire: ClusterWire {
    static func send(
        _ call: HTTPClusterCall, on transport: any HTTPAttemptTransport, promise: EventLoopPromise<HTTPAttemptReply>
    ) {
        let attempt = HTTPAttempt(timeout: call.timeout) { result in
            switch result {
            case .success(let reply): promise.succeed(reply)
            case .failure(let error): promise.fail(error)
            }
        }
        transport.start(call, on: promise.futureResult.eventLoop, attempt: attempt)
    }

    static func connections(of transport: any HTTPAttemptTransport) -> Int? { transport.connections?.value }

    static func shutdown(_ transport: any HTTPAttemptTransport) async { await transport.shutdown() }

    static func timeout(of call: HTTPClusterCall) -> TimeAmount { call.timeout }
    static func cancellation(of call: HTTPClusterCall) -> CallCancellation? { call.cancellation }
    static func mayRetry(_ call: HTTPClusterCall) -> Bool { call.replayable }
    /// Until a link is handed over, the exchange has written nothing and holds every byte it read.
    static func mayRetryUnsent(_ call: HTTPClusterCall) -> Bool { true }
    /// A backup goes out only with the whole request the exchange keeps (its kept body, then the rest as it
    /// comes), and never for a WebSocket upgrade: two tunnels would open.
    static func mayHedge(_ call: HTTPClusterCall) -> Bool { call.replayable && !call.webSocket }

    static func attempt(
        of call: HTTPClusterCall, deadline: NIODeadline, timeout: TimeAmount, cancellation: CallCancellation?
    ) -> HTTPClusterCall {
        var attempt = call
        attempt.timeout = timeout
        if let cancellation { attempt.cancellation = cancellation }
        return attempt
    }

    static func failure(of reply: HTTPAttemptReply) -> AttemptFailure? {
        if let code = reply.grpcStatus, code != 0 { return AttemptFailure(.grpc(code), requestWritten: true) }
        return reply.status >= 500 ? AttemptFailure(.http(reply.status), requestWritten: true) : nil
    }
}
