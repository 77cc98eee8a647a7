internal import Logging
internal import NIOCore

extension RuntimeSnapshot {
    /// Proxy routes in configuration order, with one upstream per `protocol: http` service they use; the
    /// previous snapshot's upstream is kept (warm connections and all) when its service did not change.
    static func proxyRoutes(
        _ proxied: [(route: RouteConfiguration, service: ServiceConfiguration)],
        plugins: (RouteConfiguration) -> PluginSettings,
        previous: RuntimeSnapshot?,
        guards: RouteGuardBuilder,
        retryingServices: Set<String>,
        group: any EventLoopGroup,
        logger: Logger,
        metrics: GatewayMetrics?
    ) -> (routes: [ProxyRoute], upstreams: [String: HTTPUpstream]) {
        var upstreams: [String: HTTPUpstream] = [:]
        var routes: [ProxyRoute] = []
        for (route, service) in proxied {
            let upstream: HTTPUpstream
            if let existing = upstreams[service.name] {
                upstream = existing
            } else if let existing = previous?.upstreams[service.name], existing.configuration == service,
                existing.routesRetry == retryingServices.contains(service.name)
            {
                upstream = existing
            } else {
                upstream = HTTPUpstream(
                    configuration: service, routesRetry: retryingServices.contains(service.name), group: group, logger: logger)
            }
            upstreams[service.name] = upstream
            routes.append(
                ProxyRoute(
                    configuration: route, upstream: upstream, flowGuard: guards.guardFor(route, call: nil),
                    metrics: metrics?.route(route.resource), plugins: PluginChain(plugins(route).proxied)))
        }
        return (routes, upstreams)
    }
}
