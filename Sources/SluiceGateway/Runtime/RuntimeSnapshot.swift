internal import SluiceClient
internal import SluiceThrift

/// The whole running configuration as one immutable value: routes, schemas, services with their clients.
///
/// Built and validated off the request path, then swapped whole (``RuntimeState``); a request reads the
/// current snapshot once and keeps it to the end, so a reload never changes a request halfway.
final class RuntimeSnapshot: Sendable {
    let configuration: GatewayConfiguration
    let router: Router
    let routes: [CompiledRoute]
    let services: [String: ServiceRuntime]

    private init(configuration: GatewayConfiguration, router: Router, routes: [CompiledRoute], services: [String: ServiceRuntime]) {
        self.configuration = configuration
        self.router = router
        self.routes = routes
        self.services = services
    }

    /// Builds a snapshot, reusing `previous`'s client for every service whose client settings did not change.
    /// - Returns: the snapshot and the previous services it no longer uses (to be shut down).
    static func build(
        configuration: GatewayConfiguration,
        previous: RuntimeSnapshot?,
        makeCaller: (ThriftClientConfiguration) -> any ThriftCaller
    ) -> (snapshot: RuntimeSnapshot, retired: [ServiceRuntime]) {
        var services: [String: ServiceRuntime] = [:]
        for service in configuration.services {
            guard let schema = configuration.schemas[service.name] else { continue }
            let clientConfiguration = ServiceRuntime.clientConfiguration(for: service, routes: configuration.routes, schema: schema)
            if let existing = previous?.services[service.name], existing.clientConfiguration == clientConfiguration {
                services[service.name] = ServiceRuntime(configuration: service, clientConfiguration: clientConfiguration, caller: existing.caller)
            } else {
                services[service.name] = ServiceRuntime(
                    configuration: service,
                    clientConfiguration: clientConfiguration,
                    caller: makeCaller(clientConfiguration)
                )
            }
        }
        var routes: [CompiledRoute] = []
        var table: [(method: String, template: PathTemplate)] = []
        for route in configuration.routes {
            // The loader validated every route; one that does not resolve here cannot have come from it.
            guard let service = services[route.service], let schema = configuration.schemas[route.service],
                let (_, method) = schema.method(route.call)
            else { continue }
            routes.append(CompiledRoute(index: routes.count, configuration: route, method: method, schema: schema, service: service))
            table.append((route.method, route.template))
        }
        let snapshot = RuntimeSnapshot(configuration: configuration, router: Router(routes: table), routes: routes, services: services)
        let kept = Set(services.values.map { ObjectIdentifier($0.caller) })
        let retired = previous?.services.values.filter { !kept.contains(ObjectIdentifier($0.caller)) } ?? []
        return (snapshot, retired)
    }
}
