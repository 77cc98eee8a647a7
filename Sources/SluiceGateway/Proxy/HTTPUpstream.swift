internal import Logging
internal import NIOCore
internal import SluiceClient
internal import Synchronization

/// One `protocol: http` service (or a `protocol: grpc` service's pass-through) as its proxied requests reach
/// it: an `HTTPCluster` (SluiceClient's cluster) over the service's endpoints, each an ``HTTPEndpointPool``, so
/// HTTP upstreams get what Thrift and gRPC calls get through the same client seam: endpoint weights, the
/// balancer and its hash key, retries with a budget, outlier ejection, active health checks
/// (`health_check.path`: a GET that must answer 2xx) and discovery (DNS, etcd), with removed endpoints drained
/// rather than cut.
///
/// A service with one static endpoint and every resilience setting at its default skips the cluster, as a
/// Thrift or gRPC client does (``ServiceRuntime/usesCluster(_:routesRetry:)``): its requests go straight to the
/// endpoint's pool, with the same behaviour and less work per request.
///
/// A reload keeps the upstream (and its warm connections) of a service whose settings did not change; one no
/// snapshot or request uses any more shuts its cluster down as it goes.
final class HTTPUpstream: Sendable {
    private enum Target: Sendable {
        case direct(HTTPEndpointPool)
        case cluster(HTTPCluster)
    }

    let configuration: ServiceConfiguration
    /// Whether some route to the service sets its own `retry` (which needs the cluster).
    let routesRetry: Bool
    private let target: Target
    /// What `hash_key` reads from a request; nil unless the balancer is `consistent_hash`.
    private let hashKeyReader: ParamReader?
    private let isShutDown = Atomic<Bool>(false)

    /// Each endpoint's standing, for the admin API; nil for one static endpoint without a cluster.
    func endpointStatuses() async -> [EndpointStatus]? {
        switch target {
        case .direct: nil
        case .cluster(let cluster): await cluster.statuses()
        }
    }

    /// Without a cluster, the open connections to its endpoint; with one, nil (``endpointStatuses()`` say them).
    var openConnections: Int? {
        switch target {
        case .direct(let pool): pool.connections?.value
        case .cluster: nil
        }
    }

    init(configuration: ServiceConfiguration, routesRetry: Bool = false, group: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.routesRetry = routesRetry
        var serviceLogger = logger
        serviceLogger[metadataKey: "proxy.service"] = "\(configuration.name)"
        let logger = serviceLogger
        hashKeyReader = configuration.hashKey.map(ParamReader.init(hashKey:))
        let context = configuration.tls?.makeConnectionContext(
            applicationProtocols: [configuration.upstreamHTTP == .h2 ? "h2" : "http/1.1"])
        if case .failure(let error) = context {
            logger.error("TLS setup failed; every request will fail", metadata: ["error": "\(error)"])
        }
        let settings = HTTPEndpointPool.Settings(
            http2: configuration.upstreamHTTP.isHTTP2,
            pool: ConnectionPoolStateMachine.Configuration(
                maxConnections: configuration.pool.maxTotal,
                maxIdleConnections: configuration.pool.maxIdle,
                idleTimeout: configuration.pool.idleTimeout),
            connectTimeout: configuration.connectTimeout)
        let tls = configuration.tls
        // One context for the service, built above: building one loads certificates and trust roots.
        let makePool = { @Sendable (endpoint: Endpoint) in
            let connectionTLS = context.map { ConnectionTLS(context: $0, serverHostname: tls?.serverHostname(for: endpoint)) }
            return HTTPEndpointPool(endpoint: endpoint, settings: settings, tls: connectionTLS, logger: logger)
        }
        if !ServiceRuntime.usesCluster(configuration, routesRetry: routesRetry), let endpoint = configuration.endpoints.first {
            target = .direct(makePool(endpoint))
            return
        }
        target = .cluster(
            HTTPCluster(
                serviceName: configuration.name, configuration: configuration.cluster,
                source: configuration.cluster.discovery?.makeSource(group: group, logger: logger),
                healthProbe: configuration.cluster.healthCheck.map { Self.probe($0, configuration) },
                group: group, logger: logger, makeTransport: makePool))
    }

    /// A GET of `health_check.path` as the service's requests are sent (its `Host`, its TLS), or a TCP (and TLS)
    /// connect without one. HTTP/2-only services are probed by connect: the GET goes over HTTP/1.1.
    private static func probe(_ policy: HealthCheckPolicy, _ service: ServiceConfiguration) -> HealthProbe {
        guard let path = policy.httpPath, !service.upstreamHTTP.isHTTP2 else { return .tcp(tls: service.tls) }
        return .httpPath(path, host: service.grpc.authority, tls: service.tls)
    }

    /// Whether ``send(_:items:policy:on:)`` reads the request (a `consistent_hash` balancer).
    var hashesRequests: Bool { hashKeyReader != nil }

    /// Sends `call` (through the cluster, or straight to the one endpoint): its attempts hand their links to the
    /// exchange (``HTTPClusterCall/opened``), and `completion` gets the reply the exchange relays, or the failure
    /// it answers. `items` are the request's parts a `hash_key` reads. Must run on `eventLoop`, one of the
    /// group's loops.
    func send(
        _ call: HTTPClusterCall, items: FlowRequestItems?, policy: CallPolicyOverride?, on eventLoop: any EventLoop,
        completion: @escaping (Result<HTTPAttemptReply, any Error>) -> Void
    ) {
        switch target {
        case .direct(let pool):
            pool.start(call, on: eventLoop, attempt: HTTPAttempt(timeout: call.timeout) { completion($0.mapError { $0 }) })
        case .cluster(let cluster):
            let hashKey = items.flatMap { items in hashKeyReader?.read(items, input: nil).map(BalancerHash.fnv1a64) }
            let promise = eventLoop.makePromise(of: HTTPAttemptReply.self)
            cluster.send(call, policy: policy, hashKey: hashKey, promise: promise)
            promise.futureResult.assumeIsolated().whenComplete(completion)
        }
    }

    /// The endpoints' pools, for tests.
    var pools: [HTTPEndpointPool] {
        switch target {
        case .direct(let pool): [pool]
        case .cluster(let cluster): cluster.transports.compactMap { $0 as? HTTPEndpointPool }
        }
    }

    /// Stops discovery and health checks and closes idle connections (those in use close when their exchange
    /// ends). The gateway's shutdown calls it while the loops still run; a retired upstream's deinit starts it.
    func shutdown() async {
        guard !isShutDown.exchange(true, ordering: .relaxed) else { return }
        await Self.shutdown(target)
    }

    deinit {
        guard !isShutDown.exchange(true, ordering: .relaxed) else { return }
        let target = self.target
        Task { await Self.shutdown(target) }
    }

    private static func shutdown(_ target: Target) async {
        switch target {
        case .direct(let pool): await pool.shutdown()
        case .cluster(let cluster): await cluster.shutdown()
        }
    }
}
