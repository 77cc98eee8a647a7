internal import Logging
internal import NIOCore
internal import NIOPosix
internal import SluiceProtobuf
internal import SluiceClient
internal import SluiceThrift

/// The whole running configuration as one immutable value: routes, schemas, and the clients they call.
///
/// Built and validated off the request path, then swapped whole (``RuntimeState``); a request reads the
/// current snapshot once and keeps it to the end, so a reload never changes a request halfway.
final class RuntimeSnapshot: Sendable {
    let configuration: GatewayConfiguration
    let router: Router
    let routes: [CompiledRoute]
    /// One client per (service, IDL service) pair some route calls.
    let services: [ServiceRuntime.Key: ServiceRuntime]
    /// Routes to `protocol: http` services; the router numbers them after ``routes``.
    let proxyRoutes: [ProxyRoute]
    /// By service name (`protocol: http` services', and `protocol: grpc` ones' for pass-through).
    let upstreams: [String: HTTPUpstream]
    /// gRPC calls proxied unchanged, by `:path`.
    let grpcPassthrough: GRPCPassthrough
    /// Flow control's engine and state, shared with the snapshots before and after this one.
    let flow: FlowRuntime
    /// The gateway's metrics (they outlive snapshots, as `flow` does); nil when it keeps none.
    let metrics: GatewayMetrics?
    /// The gateway config's plugins, which shape answers no route gives (404, 405); nil without any.
    let plugins: PluginChain?

    private init(
        configuration: GatewayConfiguration,
        router: Router,
        routes: [CompiledRoute],
        services: [ServiceRuntime.Key: ServiceRuntime],
        proxyRoutes: [ProxyRoute] = [],
        upstreams: [String: HTTPUpstream] = [:],
        grpcPassthrough: GRPCPassthrough = .empty,
        flow: FlowRuntime,
        metrics: GatewayMetrics?
    ) {
        self.metrics = metrics
        self.plugins = PluginChain(PluginLayer.resolve(configuration.plugins))
        self.configuration = configuration
        self.router = router
        self.routes = routes
        self.services = services
        self.proxyRoutes = proxyRoutes
        self.upstreams = upstreams
        self.grpcPassthrough = grpcPassthrough
        self.flow = flow
    }

    /// Whether some request is proxied, or takes a body its route sizes, decided at its head: the listeners then
    /// ask ``ProxyRouting``.
    var proxiesAtHead: Bool { !proxyRoutes.isEmpty || !grpcPassthrough.isEmpty || routes.contains { $0.plugins?.settings.headLimits != nil } }

    /// Builds a snapshot, reusing `previous`'s client for every (service, IDL service) pair whose client
    /// settings did not change.
    /// - Returns: the snapshot and the previous clients it no longer uses (to be shut down).
    /// - Parameter logger: where HTTP upstreams say why a connection failed.
    static func build(
        configuration: GatewayConfiguration,
        previous: RuntimeSnapshot?,
        logger: Logger = Logger(label: "sluice.gateway"),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        flow: FlowRuntime? = nil,
        metrics: GatewayMetrics? = nil,
        makeCaller: (ThriftClientConfiguration) -> any ThriftCaller,
        makeGRPCCaller: (GRPCClientConfiguration) -> any GRPCCaller = { configuration in
            GRPCClient(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "sluice.grpc"))
        }
    ) -> (snapshot: RuntimeSnapshot, retired: [ServiceRuntime]) {
        var serviceConfigurations: [String: ServiceConfiguration] = [:]
        for service in configuration.services where serviceConfigurations[service.name] == nil {
            serviceConfigurations[service.name] = service
        }
        var services: [ServiceRuntime.Key: ServiceRuntime] = [:]
        let retryingServices = Set(
            configuration.routes.filter { $0.callPolicy.retry != nil || $0.callPolicy.hedge != nil }.map(\.service))
        let flow = previous?.flow ?? flow ?? FlowRuntime()
        let metrics = previous?.metrics ?? metrics
        let guards = RouteGuardBuilder(
            rules: configuration.flowRules, runtime: flow,
            methodResources: configuration.routes.filter { serviceConfigurations[$0.service]?.kind != .http }.map(\.methodResource)
                + GRPCPassthrough.methodResources(configuration))
        var routes: [CompiledRoute] = []
        var table: [(method: String, template: PathTemplate)] = []
        var proxied: [(RouteConfiguration, ServiceConfiguration)] = []
        for route in configuration.routes {
            if let service = serviceConfigurations[route.service], service.kind == .http {
                proxied.append((route, service))
                continue
            }
            // The loader validated every route; one that does not resolve here cannot have come from it.
            guard let service = serviceConfigurations[route.service] else { continue }
            let runtime: ServiceRuntime
            let call: RouteCall
            if service.kind == .grpc {
                guard let idl = configuration.protobufIDLs[route.service], let method = idl.schema.method(named: route.call) else { continue }
                let key = ServiceRuntime.Key(service: service.name, idlService: "")
                runtime = services[key] ?? Self.grpcRuntime(
                    for: key, service: service, routesRetry: retryingServices.contains(service.name), previous: previous,
                    makeCaller: makeGRPCCaller)
                services[key] = runtime
                guard case .grpc(let caller, _) = runtime.client else { continue }
                call = .grpc(GRPCRouteCall(configuration: route, method: method, schema: idl.schema, service: service, caller: caller))
            } else {
                guard let schema = configuration.schemas[route.service], let (idlService, method) = schema.method(route.call) else { continue }
                let key = ServiceRuntime.Key(service: service.name, idlService: idlService.name)
                runtime =
                    services[key]
                    ?? Self.runtime(
                        for: key, service: service, routesRetry: retryingServices.contains(service.name), previous: previous,
                        makeCaller: makeCaller)
                services[key] = runtime
                guard case .thrift(let caller, _) = runtime.client else { continue }
                call = .thrift(ThriftRouteCall(configuration: route, method: method, schema: schema, service: service, caller: caller))
            }
            routes.append(
                CompiledRoute(
                    configuration: route, service: runtime, call: call, flowGuard: guards.guardFor(route, call: call),
                    metrics: metrics?.route(route.resource), plugins: PluginChain(configuration.plugins(of: route))))
            table.append((route.method, route.template))
        }
        let (proxyRoutes, httpUpstreams) = Self.proxyRoutes(
            proxied, plugins: configuration.plugins(of:), previous: previous, guards: guards, retryingServices: retryingServices, group: group, logger: logger,
            metrics: metrics)
        let (grpcPassthrough, grpcUpstreams) = GRPCPassthrough.build(
            configuration: configuration, previous: previous, guards: guards, group: group, logger: logger, metrics: metrics)
        let upstreams = httpUpstreams.merging(grpcUpstreams) { http, _ in http }
        table += proxyRoutes.map { ($0.configuration.method, $0.configuration.template) }
        let snapshot = RuntimeSnapshot(
            configuration: configuration,
            router: Router(routes: table),
            routes: routes,
            services: services,
            proxyRoutes: proxyRoutes,
            upstreams: upstreams,
            grpcPassthrough: grpcPassthrough,
            flow: flow,
            metrics: metrics
        )
        let kept = Set(services.values.map(\.client.identity))
        let retired = previous?.services.values.filter { !kept.contains($0.client.identity) } ?? []
        return (snapshot, retired)
    }

    private static func runtime(
        for key: ServiceRuntime.Key,
        service: ServiceConfiguration,
        routesRetry: Bool,
        previous: RuntimeSnapshot?,
        makeCaller: (ThriftClientConfiguration) -> any ThriftCaller
    ) -> ServiceRuntime {
        let clientConfiguration = ServiceRuntime.clientConfiguration(
            for: service, idlService: key.idlService, routesRetry: routesRetry)
        if let existing = previous?.services[key], case .thrift(let caller, let settings) = existing.client, settings == clientConfiguration {
            return ServiceRuntime(configuration: service, client: .thrift(caller, settings))
        }
        return ServiceRuntime(configuration: service, client: .thrift(makeCaller(clientConfiguration), clientConfiguration))
    }

    private static func grpcRuntime(
        for key: ServiceRuntime.Key,
        service: ServiceConfiguration,
        routesRetry: Bool,
        previous: RuntimeSnapshot?,
        makeCaller: (GRPCClientConfiguration) -> any GRPCCaller
    ) -> ServiceRuntime {
        let clientConfiguration = ServiceRuntime.grpcClientConfiguration(for: service, routesRetry: routesRetry)
        if let existing = previous?.services[key], case .grpc(let caller, let settings) = existing.client, settings == clientConfiguration {
            return ServiceRuntime(configuration: service, client: .grpc(caller, settings))
        }
        return ServiceRuntime(configuration: service, client: .grpc(makeCaller(clientConfiguration), clientConfiguration))
    }
}
