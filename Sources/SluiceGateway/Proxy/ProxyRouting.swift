internal import NIOHTTP1
internal import SluiceTracing

/// Decides at a request's head whether it is proxied (its body then streams instead of being collected).
/// The HTTP/1.1 connection and each HTTP/2 stream ask their request handler, when that handler can answer.
protocol ProxyRouting: AnyObject, Sendable {
    /// Whether any route is proxied (one relaxed atomic load): when not, no request head needs building.
    var hasProxyRoutes: Bool { get }
    /// The listener's access log, which proxied requests write to as well.
    var accessLog: AccessLog? { get }
    /// The gateway's tracer; nil when tracing is off.
    var tracer: RequestTracer? { get }
    /// The proxy route for `head` and the target to send upstream; nil for everything else.
    func proxyRoute(for head: HTTPRequestHead) -> (route: ProxyRoute, target: String)?
}

extension RequestDispatcher: ProxyRouting {
    var hasProxyRoutes: Bool { state.hasProxyRoutes }

    /// Without proxy routes this is one relaxed atomic load; with some, non-proxied requests are matched
    /// twice (here and when dispatched), which allocates nothing.
    func proxyRoute(for head: HTTPRequestHead) -> (route: ProxyRoute, target: String)? {
        guard state.hasProxyRoutes else { return nil }
        let snapshot = state.current
        if let route = snapshot.grpcPassthrough.route(for: head) { return (route, head.uri) }
        let request = GatewayRequest(method: head.method.rawValue, target: head.uri, headers: GatewayHeaders(), body: nil)
        guard case .route(let index) = snapshot.router.match(method: request.method, path: request.path),
            index >= snapshot.routes.count
        else { return nil }
        let route = snapshot.proxyRoutes[index - snapshot.routes.count]
        return (route, route.upstreamTarget(path: request.path, query: request.query))
    }
}
