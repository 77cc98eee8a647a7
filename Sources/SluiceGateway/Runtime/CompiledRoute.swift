/// A route made ready for requests: everything a request needs is looked up once, here.
/// A class so the request path's closures retain one reference instead of copying every field.
final class CompiledRoute: Sendable {
    let configuration: RouteConfiguration
    let binder: RequestBinder
    let service: ServiceRuntime
    let guardedCall: GuardedCall
    /// The codec and the client, for the route's protocol.
    let call: RouteCall

    init(index: Int, configuration: RouteConfiguration, service: ServiceRuntime, call: RouteCall) {
        self.configuration = configuration
        self.binder = RequestBinder(route: configuration)
        self.service = service
        self.guardedCall = GuardedCall(
            service: configuration.service, call: configuration.call, route: index, resource: configuration.resource)
        self.call = call
    }
}
