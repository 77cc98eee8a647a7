internal import Logging
internal import NIOCore
internal import SluiceClient
internal import Synchronization

/// The connections to one `protocol: http` service: one ``UpstreamShard`` per event loop that proxies to it,
/// made on the loop's first request. `pool` limits apply to each loop's shard. An `h2c`/`h2` service has an
/// ``HTTP2UpstreamShard`` per loop instead, whose few connections multiplex its requests as streams. Each
/// shard picks endpoints with its own copy of the service's balancer (`balancer`, weights, `slow_start`): a
/// value, so each loop's counts are its own while a consistent-hash ring, built once here, is shared.
///
/// A reload keeps the upstream (and its warm connections) of a service whose settings did not change; one
/// no snapshot or request uses any more closes its idle connections as it goes.
final class HTTPUpstream: Sendable {
    let configuration: ServiceConfiguration
    /// Looked up once per proxied request (one uncontended lock); never on the RPC path.
    private let shards = Mutex<[ObjectIdentifier: UpstreamShard]>([:])
    private let http2Shards = Mutex<[ObjectIdentifier: HTTP2UpstreamShard]>([:])
    /// Per endpoint, sharing one context built here: building one loads certificates and trust roots.
    private let tls: [ConnectionTLS]?
    private let logger: Logger
    /// What each shard's balancer starts from.
    private let balancer: Balancer
    /// What `hash_key` reads from a request; nil unless the balancer is `consistent_hash`.
    private let hashKeyReader: ParamReader?

    init(configuration: ServiceConfiguration, logger: Logger) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "proxy.service"] = "\(configuration.name)"
        self.logger = logger
        balancer = Balancer(
            configuration: configuration.cluster.balancer,
            endpoints: configuration.cluster.endpoints.map { BalancerEndpoint($0.endpoint, weight: $0.weight) })
        hashKeyReader = configuration.hashKey.map(ParamReader.init(hashKey:))
        let context = configuration.tls?.makeConnectionContext(
            applicationProtocols: [configuration.upstreamHTTP == .h2 ? "h2" : "http/1.1"])
        if case .failure(let error) = context {
            logger.error("TLS setup failed; every request will fail", metadata: ["error": "\(error)"])
        }
        tls = context.map { context in
            configuration.endpoints.map { endpoint in
                ConnectionTLS(context: context, serverHostname: configuration.tls?.serverHostname(for: endpoint))
            }
        }
    }

    var speaksHTTP2: Bool { configuration.upstreamHTTP.isHTTP2 }

    /// Whether ``link(on:deadline:webSocket:items:)`` reads the request (a `consistent_hash` balancer).
    var hashesRequests: Bool { hashKeyReader != nil }

    /// Where one request from `eventLoop` goes: a pooled connection, or a new stream on an HTTP/2 one (for a
    /// `webSocket` upgrade, an extended CONNECT's). `items` are the request's parts a `hash_key` reads. Must
    /// run on `eventLoop`.
    func link(
        on eventLoop: any EventLoop, deadline: NIODeadline, webSocket: Bool = false, items: FlowRequestItems? = nil
    ) -> EventLoopFuture<UpstreamLink> {
        let hashKey = items.flatMap { items in hashKeyReader?.read(items, input: nil).map(BalancerHash.fnv1a64) }
        if speaksHTTP2 {
            return http2Shard(for: eventLoop).openStream(deadline: deadline, webSocket: webSocket, hashKey: hashKey)
                .map(UpstreamLink.stream)
        }
        let shard = shard(for: eventLoop)
        return shard.lease(deadline: deadline, hashKey: hashKey).map { .pooled($0, shard) }
    }

    private func http2Shard(for eventLoop: any EventLoop) -> HTTP2UpstreamShard {
        Self.entry(in: http2Shards, for: eventLoop) {
            HTTP2UpstreamShard(
                endpoints: configuration.endpoints,
                balancer: balancer,
                tls: tls,
                maxConnections: configuration.pool.maxTotal,
                connectTimeout: configuration.connectTimeout,
                eventLoop: eventLoop,
                logger: logger
            )
        }
    }

    /// `eventLoop`'s shard.
    func shard(for eventLoop: any EventLoop) -> UpstreamShard {
        Self.entry(in: shards, for: eventLoop) {
            UpstreamShard(
                endpoints: configuration.endpoints,
                balancer: balancer,
                tls: tls,
                pool: ConnectionPoolStateMachine.Configuration(
                    maxConnections: configuration.pool.maxTotal,
                    maxIdleConnections: configuration.pool.maxIdle,
                    idleTimeout: configuration.pool.idleTimeout
                ),
                connectTimeout: configuration.connectTimeout,
                eventLoop: eventLoop,
                logger: logger
            )
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

    /// Closes every loop's connections on its loop and forgets the shards. The gateway's shutdown calls it
    /// while the loops still run; the deinit's closing would come after they stopped, when no task can be
    /// scheduled on them.
    func shutdown() async {
        let http1 = shards.withLock { shards in
            defer { shards = [:] }
            return Array(shards.values)
        }
        let http2 = http2Shards.withLock { shards in
            defer { shards = [:] }
            return Array(shards.values)
        }
        for shard in http1 { try? await shard.eventLoop.submit { shard.shutdown() }.get() }
        for shard in http2 { try? await shard.eventLoop.submit { shard.shutdown() }.get() }
    }

    /// Closes idle connections on every loop (connections in use close when their exchange ends).
    deinit {
        for shard in shards.withLock({ Array($0.values) }) {
            shard.eventLoop.execute { shard.shutdown() }
        }
        for shard in http2Shards.withLock({ Array($0.values) }) {
            shard.eventLoop.execute { shard.shutdown() }
        }
    }
}
