internal import SluiceClient

/// A route made ready for requests: everything a request needs is looked up once, here.
/// A class so the request path's closures retain one reference instead of copying every field.
final class CompiledRoute: Sendable {
    let configuration: RouteConfiguration
    let binder: RequestBinder
    let service: ServiceRuntime
    /// Flow control for the route's calls; nil when no rule touches them.
    let flowGuard: RouteGuard?
    /// The codec and the client, for the route's protocol.
    let call: RouteCall
    /// The route's request metrics; nil when the gateway keeps none.
    let metrics: RouteMetrics?
    /// Its name, or `METHOD template`: how metrics and the access log name it.
    let label: String
    /// The service's endpoint when it has exactly one static endpoint (its client then names none on replies).
    let soleEndpoint: String?
    /// The route's edge plugins, run before binding; nil when it has none.
    let plugins: PluginChain?

    init(
        configuration: RouteConfiguration, service: ServiceRuntime, call: RouteCall, flowGuard: RouteGuard?, metrics: RouteMetrics? = nil,
        plugins: PluginChain? = nil
    ) {
        self.metrics = metrics
        self.plugins = plugins
        self.label = configuration.resource
        self.soleEndpoint = service.configuration.endpoints.count == 1 ? service.configuration.endpoints.first?.description : nil
        self.configuration = configuration
        self.binder = RequestBinder(route: configuration)
        self.service = service
        self.flowGuard = flowGuard
        self.call = call
    }
}
