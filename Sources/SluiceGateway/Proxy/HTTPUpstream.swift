internal import Logging
internal import NIOCore
internal import SluiceClient
internal import Synchronization

/// One `protocol: http` service (or a `protocol: grpc` service's pass-through) as its proxied requests reach
/// it: an ``EndpointCluster`` over the service's endpoints, each an ``HTTPEndpointPool``, so HTTP upstreams get
/// what Thrift and gRPC calls get through the same client seam: endpoint weights, the balancer and its hash
/// key, retries with a budget, outlier ejection, active health checks (`health_check.path`: a GET that must
/// answer 2xx) and discovery (DNS, etcd), with removed endpoints drained rather than cut.
///
/// A reload keeps the upstream (and its warm connections) of a service whose settings did not change; one no
/// snapshot or request uses any more shuts its cluster down as it goes.
final class HTTPUpstream: Sendable {
    let configuration: ServiceConfiguration
    private let cluster: EndpointCluster<HTTPWire>
    /// What `hash_key` reads from a request; nil unless the balancer is `consistent_hash`.
    private let hashKeyReader: ParamReader?
    private let isShutDown = Atomic<Bool>(false)

    init(configuration: ServiceConfiguration, group: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
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
        cluster = EndpointCluster(
            serviceName: configuration.name, configuration: configuration.cluster,
            source: configuration.cluster.discovery?.makeSource(group: group, logger: logger),
            healthProbe: configuration.cluster.healthCheck.map { Self.probe($0, configuration) },
            group: group, logger: logger
        ) { endpoint in
            // One context for the service, built above: building one loads certificates and trust roots.
            let connectionTLS = context.map { ConnectionTLS(context: $0, serverHostname: tls?.serverHostname(for: endpoint)) }
            return HTTPEndpointPool(endpoint: endpoint, settings: settings, tls: connectionTLS, logger: logger)
        }
    }

    /// A GET of `health_check.path` as the service's requests are sent (its `Host`, its TLS), or a TCP (and TLS)
    /// connect without one. HTTP/2-only services are probed by connect: the GET goes over HTTP/1.1.
    private static func probe(_ policy: HealthCheckPolicy, _ service: ServiceConfiguration) -> HealthProbe {
        guard let path = policy.httpPath, !service.upstreamHTTP.isHTTP2 else { return .tcp(tls: service.tls) }
        return .httpPath(path, host: service.grpc.authority, tls: service.tls)
    }

    /// Whether ``send(_:items:policy:on:)`` reads the request (a `consistent_hash` balancer).
    var hashesRequests: Bool { hashKeyReader != nil }

    /// Sends `call` through the cluster: its attempts hand their links to the exchange (``HTTPClusterCall/opened``)
    /// and the future ends with the reply the exchange relays, or the failure it answers. `items` are the request's
    /// parts a `hash_key` reads. Must run on `eventLoop`, one of the group's loops.
    func send(
        _ call: HTTPClusterCall, items: FlowRequestItems?, policy: CallPolicyOverride?, on eventLoop: any EventLoop
    ) -> EventLoopFuture<HTTPAttemptReply> {
        let hashKey = items.flatMap { items in hashKeyReader?.read(items, input: nil).map(BalancerHash.fnv1a64) }
        let promise = eventLoop.makePromise(of: HTTPAttemptReply.self)
        cluster.send(call, policy: policy, hashKey: hashKey, promise: promise)
        return promise.futureResult
    }

    /// The endpoints' pools, for tests.
    var pools: [HTTPEndpointPool] { cluster.currentHandles.map(\.transport) }

    /// Stops discovery and health checks and closes idle connections (those in use close when their exchange
    /// ends). The gateway's shutdown calls it while the loops still run; a retired upstream's deinit starts it.
    func shutdown() async {
        guard !isShutDown.exchange(true, ordering: .relaxed) else { return }
        await cluster.shutdown()
    }

    deinit {
        guard !isShutDown.exchange(true, ordering: .relaxed) else { return }
        let cluster = self.cluster
        Task { await cluster.shutdown() }
    }
}
