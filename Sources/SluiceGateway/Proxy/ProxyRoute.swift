internal import NIOCore

/// A route to a `protocol: http` service, ready for requests: its requests are not decoded but streamed to
/// ``upstream`` as they arrive (see ``ProxyExchange``). Also a gRPC method passed through to a `protocol: grpc`
/// service (``GRPCPassthrough``).
final class ProxyRoute: Sendable {
    /// What a route made for gRPC pass-through does.
    enum GRPCRole: Sendable, Hashable {
        /// Proxies the call; the gateway's own failures are answered as gRPC statuses.
        case call
        /// Answers `UNIMPLEMENTED` without calling anything: no service has the method.
        case unimplemented
    }

    let configuration: RouteConfiguration
    let upstream: HTTPUpstream
    /// nil for an http service's route.
    let grpc: GRPCRole?
    /// Flow control for the route's requests; nil when no rule touches them.
    let flowGuard: RouteGuard?
    /// The route's request metrics; nil when the gateway keeps none.
    let metrics: RouteMetrics?
    /// The route's edge plugins, run at the request's head; nil when it has none.
    let plugins: PluginChain?
    /// The largest body streamed upstream: the route's `request_size`, else its `max_body`; nil: unlimited.
    let maxBody: Int?
    /// The whole request must have arrived this long after its head (`request_timeout`); nil: no bound.
    let requestTimeout: TimeAmount?

    init(
        configuration: RouteConfiguration, upstream: HTTPUpstream, grpc: GRPCRole? = nil, flowGuard: RouteGuard? = nil,
        metrics: RouteMetrics? = nil, plugins: PluginChain? = nil
    ) {
        self.metrics = metrics
        self.plugins = plugins
        self.maxBody = plugins?.settings.requestSize ?? configuration.maxBody
        self.requestTimeout = plugins?.settings.requestTimeout
        self.configuration = configuration
        self.upstream = upstream
        self.grpc = grpc
        self.flowGuard = flowGuard
    }

    var service: String { configuration.service }

    /// The request target sent upstream: the path as it came or rewritten, and the query as it came.
    func upstreamTarget(path: Substring, query: Substring) -> String {
        let upstreamPath = configuration.rewrite.map { $0.apply(to: path) } ?? String(path)
        return query.isEmpty ? upstreamPath : upstreamPath + "?" + query
    }
}
