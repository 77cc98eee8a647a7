internal import Logging
internal import NIOCore
internal import SluiceClient
internal import Synchronization

/// The connections to one endpoint of an HTTP service, the transport its cluster runs attempts on
/// (SluiceClient's `HTTPWire`): one ``UpstreamShard`` per event loop that proxies to it, made on the loop's first request, or
/// for an `h2c`/`h2` service an ``HTTP2UpstreamShard`` per loop, whose few connections multiplex its requests
/// as streams. `pool` limits apply to each loop's shard.
final class HTTPEndpointPool: HTTPAttemptTransport {
    struct Settings: Sendable {
        var http2: Bool
        var pool: ConnectionPoolStateMachine.Configuration
        var connectTimeout: TimeAmount
    }

    let endpoint: Endpoint
    /// Its open connections, HTTP/1.1 and HTTP/2, on every loop.
    let connections: ConnectionGauge? = ConnectionGauge()
    private let settings: Settings
    private let tls: ConnectionTLS?
    private let logger: Logger
    /// Looked up once per attempt (one uncontended lock); never on the RPC path.
    private let shards = Mutex<[ObjectIdentifier: UpstreamShard]>([:])
    private let http2Shards = Mutex<[ObjectIdentifier: HTTP2UpstreamShard]>([:])

    init(endpoint: Endpoint, settings: Settings, tls: ConnectionTLS?, logger: Logger) {
        self.endpoint = endpoint
        self.settings = settings
        self.tls = tls
        self.logger = logger
    }

    /// One attempt: a link for `call`, handed to its exchange (``ProxyAttemptReceiver``), which writes the request
    /// and reports the response head to `attempt`; or the failure to get one, reported here.
    func start(_ call: HTTPClusterCall, on eventLoop: any EventLoop, attempt: HTTPAttempt) {
        link(on: eventLoop, deadline: .now() + call.timeout, webSocket: call.webSocket) { result in
            switch result {
            case .success(let link):
                // The caller left, or the attempt's time ran out, while the connection was on its way.
                guard !attempt.isDone, call.cancellation?.isCancelled != true,
                    let receiver = call.receiver as? ProxyAttemptReceiver
                else {
                    link.release(reusable: true)
                    return attempt.fail(ClientError(.cancelled, "the client went away"))
                }
                receiver.opened(link, attempt, endpoint: self.endpoint)
            case .failure(let error):
                attempt.fail(Self.clientError(error))
            }
        }
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

    /// Hands `completion` a pooled connection for one request from `eventLoop`, or a new stream on an HTTP/2 one
    /// (for a `webSocket` upgrade, an extended CONNECT's), by `deadline`; or the failure. Must run on `eventLoop`.
    func link(
        on eventLoop: any EventLoop, deadline: NIODeadline, webSocket: Bool,
        _ completion: @escaping (Result<UpstreamLink, any Error>) -> Void
    ) {
        if settings.http2 {
            return http2Shard(for: eventLoop).openStream(deadline: deadline, webSocket: webSocket).assumeIsolated()
                .whenComplete { completion($0.map(UpstreamLink.stream)) }
        }
        let shard = shard(for: eventLoop)
        shard.lease(deadline: deadline) { completion($0.map { .pooled($0, shard) }) }
    }

    private func http2Shard(for eventLoop: any EventLoop) -> HTTP2UpstreamShard {
        Self.entry(in: http2Shards, for: eventLoop) {
            HTTP2UpstreamShard(
                endpoint: endpoint, tls: tls, maxConnections: settings.pool.maxConnections,
                connectTimeout: settings.connectTimeout, eventLoop: eventLoop, logger: logger, connections: connections)
        }
    }

    private func shard(for eventLoop: any EventLoop) -> UpstreamShard {
        Self.entry(in: shards, for: eventLoop) {
            UpstreamShard(
                endpoint: endpoint, tls: tls, pool: settings.pool, connectTimeout: settings.connectTimeout,
                eventLoop: eventLoop, logger: logger, connections: connections)
        }
    }

    /// `eventLoop`'s entry in `shards`, made on the loop's first request.
    private static func entry<Shard: Sendable>(
        in shards: borrowing Mutex<[ObjectIdentifier: Shard]>, for eventLoop: any EventLoop, make: () -> Shard
    ) -> Shard {
        shards.withLock { shards in
            let key = ObjectIdentifier(eventLoop)
            if let shard = shards[key] { return shard }
            let shard = make()
            shards[key] = shard
            return shard
        }
    }

    /// Closes idle connections and fails waiting requests on every loop; connections in use close when their
    /// exchange ends. The endpoint's removal (once its attempts ended) and the gateway's shutdown call it while
    /// the loops still run.
    func shutdown() async {
        let http1 = shards.withLock { Array($0.values) }
        let http2 = http2Shards.withLock { Array($0.values) }
        for shard in http1 { try? await shard.eventLoop.submit { shard.shutdown() }.get() }
        for shard in http2 { try? await shard.eventLoop.submit { shard.shutdown() }.get() }
    }
}
