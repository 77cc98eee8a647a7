internal import NIOCore
internal import NIOHTTP1
internal import SluiceClient

/// A proxied request as its service's cluster sends it (``HTTPWire``): each attempt is a copy with its own
/// timeout. The exchange keeps the request's bytes; an attempt only finds it a link and hands it over.
struct HTTPClusterCall: Sendable {
    /// How long an attempt waits for a connection, and then for the response head once the request is sent.
    var timeout: TimeAmount
    var cancellation: CallCancellation?
    var webSocket: Bool
    /// Whether the exchange can send the request again after it was written: its whole body is kept (a
    /// bounded one, small enough to hold), as Envoy buffers a request it may retry.
    var replayable: Bool
    /// Hands an attempt's link to the exchange, on its loop; the exchange writes the request on it and reports
    /// the response head (or the failure) to the attempt.
    var opened: @Sendable (UpstreamLink, HTTPAttempt) -> Void
}

/// How an attempt was answered: what retries, outlier detection and balancers read of a response head.
struct HTTPAttemptReply: Sendable {
    var status: Int
    /// A gRPC response's `grpc-status` when its head carried one (trailers-only).
    var grpcStatus: Int?
}

/// HTTP attempts: each endpoint's transport is its ``HTTPEndpointPool``; an attempt runs from the lease of a
/// connection (or an HTTP/2 stream) to the response head, which is when the exchange knows whether to relay
/// the response or try again, so that is what the balancer times and the outlier detector judges. A 5xx head
/// (or a non-OK trailers-only gRPC status) is a failed attempt, retried when the policy says so (`http:503`,
/// `http:5xx`, `grpc:UNAVAILABLE`) and otherwise relayed as it is.
enum HTTPWire: ClusterWire {
    static func send(_ call: HTTPClusterCall, on pool: HTTPEndpointPool, promise: EventLoopPromise<HTTPAttemptReply>) {
        start(call, on: pool, eventLoop: promise.futureResult.eventLoop) { result in
            switch result {
            case .success(let reply): promise.succeed(reply)
            case .failure(let error): promise.fail(error)
            }
        }
    }

    /// One attempt on `pool`, reported to `report` once: what ``send(_:on:promise:)`` does for the cluster, and
    /// what a service without one does directly (no promise, no cluster bookkeeping). Runs on `eventLoop`.
    static func start(
        _ call: HTTPClusterCall, on pool: HTTPEndpointPool, eventLoop: any EventLoop,
        report: @escaping (Result<HTTPAttemptReply, ClientError>) -> Void
    ) {
        let attempt = HTTPAttempt(endpoint: pool.endpoint, timeout: call.timeout, report: report)
        pool.link(on: eventLoop, deadline: .now() + call.timeout, webSocket: call.webSocket) { result in
            switch result {
            case .success(let link):
                // The caller left, or the attempt's time ran out, while the connection was on its way.
                guard !attempt.isDone, call.cancellation?.isCancelled != true else {
                    link.release(reusable: true)
                    return attempt.fail(ClientError(.cancelled, "the client went away"))
                }
                call.opened(link, attempt)
            case .failure(let error):
                attempt.fail(Self.clientError(error))
            }
        }
    }

    static func shutdown(_ pool: HTTPEndpointPool) async { await pool.shutdown() }

    static func timeout(of call: HTTPClusterCall) -> TimeAmount { call.timeout }
    static func cancellation(of call: HTTPClusterCall) -> CallCancellation? { call.cancellation }
    static func mayRetry(_ call: HTTPClusterCall) -> Bool { call.replayable }
    /// Until a link is handed over, the exchange has written nothing and holds every byte it read.
    static func mayRetryUnsent(_ call: HTTPClusterCall) -> Bool { true }
    /// A proxied request's body streams through once; a second copy in flight is not kept.
    static func mayHedge(_ call: HTTPClusterCall) -> Bool { false }

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

    /// The shards fail with ``ClientError``s, and HTTP/2's refusals with their own types, whose words the
    /// client hears as the reason.
    private static func clientError(_ error: any Error) -> ClientError {
        switch error {
        case let error as ClientError:
            return error
        case is HTTP2NotAgreed:
            return ClientError(
                .connectFailed, "\(error)", reason: "did not agree to HTTP/2: its TLS handshake picked no 'h2' by ALPN",
                requestWritten: false)
        case is HTTP2NoExtendedConnect:
            return ClientError(
                .protocolError, "\(error)",
                reason: "takes no WebSocket over HTTP/2: its SETTINGS do not enable extended CONNECT (RFC 8441)",
                requestWritten: false)
        default:
            return ClientError(.connectFailed, "\(error)", requestWritten: false)
        }
    }
}

/// One attempt as the exchange sees it once it holds the attempt's link: it reports the response head or the
/// failure, exactly once.
///
/// `@unchecked Sendable`: confined to the exchange's event loop, where the cluster runs the call's attempts and
/// the exchange reads its upstream.
final class HTTPAttempt: @unchecked Sendable {
    private let report: (Result<HTTPAttemptReply, ClientError>) -> Void
    let endpoint: Endpoint
    /// The attempt's share of the call's time: the exchange waits this long for the response head.
    let timeout: TimeAmount
    private(set) var isDone = false

    init(endpoint: Endpoint, timeout: TimeAmount, report: @escaping (Result<HTTPAttemptReply, ClientError>) -> Void) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.report = report
    }

    /// The response head arrived. The cluster decides at once (on this loop, before this returns) whether the
    /// call ends with it or a retry follows; without a cluster, the call ends with it.
    func answered(_ head: HTTPResponseHead) {
        guard !isDone else { return }
        isDone = true
        let grpcStatus = head.headers.first(name: "grpc-status").flatMap { Int($0) }
        report(.success(HTTPAttemptReply(status: Int(head.status.code), grpcStatus: grpcStatus)))
    }

    func fail(_ error: ClientError) {
        guard !isDone else { return }
        isDone = true
        report(.failure(error))
    }
}
