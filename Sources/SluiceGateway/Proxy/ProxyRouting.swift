internal import NIOHTTP1
internal import SluiceTracing

internal import NIOCore

/// What a request's head decides: it is proxied (its body then streams instead of being collected), or its
/// route has its own `request_size` or `request_timeout`.
enum HeadRoute {
    struct Limits: Sendable {
        /// In place of the listener's `max_body`.
        var maxBody: Int?
        /// The whole request must have arrived this long after its head.
        var timeout: TimeAmount?
        /// The route's plugins, which shape the listener's 413 or 408 as they shape the route's other answers.
        var plugins: PluginChain?

        /// The listener's refusal of the request under these limits: named after the plugin, in the route's shape.
        func refusal(_ code: GatewayError.Code, _ message: String) -> GatewayResponse {
            let allocator = ByteBufferAllocator()
            let plugin: PluginName = code == .requestTimeout ? .requestTimeout : .requestSize
            let response = GatewayError(code, message, plugin: plugin).response(allocator: allocator)
            return plugins.map { PluginPass(chain: $0).finish(response, allocator: allocator) } ?? response
        }
    }

    case proxy(route: ProxyRoute, target: String)
    case limits(Limits)
}

/// Decides at a request's head whether it is proxied, or what body its route takes.
/// The HTTP/1.1 connection and each HTTP/2 stream ask their request handler, when that handler can answer.
protocol ProxyRouting: AnyObject, Sendable {
    /// Whether any route is proxied or has its own body limit (one relaxed atomic load): when not, no request
    /// head needs building.
    var hasProxyRoutes: Bool { get }
    /// The listener's access log, which proxied requests write to as well.
    var accessLog: AccessLog? { get }
    /// The gateway's tracer; nil when tracing is off.
    var tracer: RequestTracer? { get }
    /// The proxy route for `head` and the target to send upstream, or its route's body limit; nil for
    /// everything else.
    func routeAtHead(for head: HTTPRequestHead) -> HeadRoute?
}

extension ProxyRouting {
    /// The proxy route for `head` and the target to send upstream; nil for everything else.
    func proxyRoute(for head: HTTPRequestHead) -> (route: ProxyRoute, target: String)? {
        guard case .proxy(let route, let target) = routeAtHead(for: head) else { return nil }
        return (route, target)
    }
}

extension RequestDispatcher: ProxyRouting {
    var hasProxyRoutes: Bool { state.hasProxyRoutes }

    /// Without proxy routes this is one relaxed atomic load; with some, non-proxied requests are matched
    /// twice (here and when dispatched), which allocates nothing.
    func routeAtHead(for head: HTTPRequestHead) -> HeadRoute? {
        guard state.hasProxyRoutes else { return nil }
        let snapshot = state.current
        if let route = snapshot.grpcPassthrough.route(for: head) { return .proxy(route: route, target: head.uri) }
        let request = GatewayRequest(method: head.method.rawValue, target: head.uri, headers: GatewayHeaders(), body: nil)
        guard case .route(let index) = snapshot.router.match(method: request.method, path: request.path) else { return nil }
        guard index >= snapshot.routes.count else {
            guard let chain = snapshot.routes[index].plugins, var limits = chain.settings.headLimits else { return nil }
            limits.plugins = chain
            return .limits(limits)
        }
        let route = snapshot.proxyRoutes[index - snapshot.routes.count]
        return .proxy(route: route, target: route.upstreamTarget(path: request.path, query: request.query))
    }
}
