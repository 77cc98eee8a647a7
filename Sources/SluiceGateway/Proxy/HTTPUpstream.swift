internal import Logging
internal import NIOCore
internal import SluiceClient
internal import Synchronization

/// The connections to one `protocol: http` service: one ``UpstreamShard`` per event loop that proxies to it,
/// made on the loop's first request. `pool` limits apply to each loop's shard.
///
/// A reload keeps the upstream (and its warm connections) of a service whose settings did not change; one
/// no snapshot or request uses any more closes its idle connections as it goes.
final class HTTPUpstream: Sendable {
    let configuration: ServiceConfiguration
    /// Looked up once per proxied request (one uncontended lock); never on the RPC path.
    private let shards = Mutex<[ObjectIdentifier: UpstreamShard]>([:])
    /// Per endpoint, sharing one context built here: building one loads certificates and trust roots.
    private let tls: [ConnectionTLS]?
    private let logger: Logger

    init(configuration: ServiceConfiguration, logger: Logger) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "proxy.service"] = "\(configuration.name)"
        self.logger = logger
        let context = configuration.tls?.makeConnectionContext(applicationProtocols: ["http/1.1"])
        if case .failure(let error) = context {
            logger.error("TLS setup failed; every request will fail", metadata: ["error": "\(error)"])
        }
        tls = context.map { context in
            configuration.endpoints.map { endpoint in
                ConnectionTLS(context: context, serverHostname: configuration.tls?.serverHostname(for: endpoint))
            }
        }
    }

    /// `eventLoop`'s shard.
    func shard(for eventLoop: any EventLoop) -> UpstreamShard {
        shards.withLock { shards in
            let key = ObjectIdentifier(eventLoop)
            if let shard = shards[key] { return shard }
            let shard = UpstreamShard(
                endpoints: configuration.endpoints,
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
            shards[key] = shard
            return shard
        }
    }

    /// Closes idle connections on every loop (connections in use close when their exchange ends).
    deinit {
        for shard in shards.withLock({ Array($0.values) }) {
            shard.eventLoop.execute { shard.shutdown() }
        }
    }
}
