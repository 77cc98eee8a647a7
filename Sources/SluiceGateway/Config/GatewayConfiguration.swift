public import SluiceThrift

/// Everything a routes directory declares, validated against the IDLs it names.
///
/// Built off the request path by ``RouteConfigLoader``; the runtime compiles it into an immutable
/// snapshot (router, binders, clients) that requests read.
public struct GatewayConfiguration: Sendable {
    public var services: [ServiceConfiguration]
    /// Hand-written routes first (file by file, in file order), then routes generated from `api.*` annotations.
    public var routes: [RouteConfiguration]
    /// The loaded IDL of each Thrift service, by service name.
    public var schemas: [String: ThriftSchema]
    /// The descriptors of each gRPC service, by service name.
    public var protobufIDLs: [String: ProtobufIDL] = [:]
    /// Flow-control rules from every route file (and the Sentinel JSON files they name).
    public var flowRules = FlowRulesConfiguration()
    /// What loads but is not acted on (an `api.vd` expression): `sluice check` prints these, they fail nothing.
    public var notes: [ConfigDiagnostic]
    /// The gateway config's `plugins:`, which every route inherits (set by the gateway, not a route file).
    public var plugins = PluginLayer()
    /// Each service's `plugins:`, by service name, which its routes inherit.
    public var servicePlugins: [String: PluginLayer] = [:]

    /// The plugins `route` runs: the gateway's, its service's, then its own.
    func plugins(of route: RouteConfiguration) -> PluginSettings {
        PluginLayer.resolve(plugins, servicePlugins[route.service] ?? PluginLayer(), route.plugins)
    }

    /// Prepares every plugin section (jwt-kit's verifiers); a problem is a configuration error at its key.
    mutating func preparePlugins() async throws(ConfigErrors) {
        try await plugins.prepare()
        for name in Array(servicePlugins.keys) { try await servicePlugins[name]?.prepare() }
        for index in routes.indices where !routes[index].plugins.isEmpty { try await routes[index].plugins.prepare() }
    }

    /// Files plugins read (key files), which a watched configuration reloads on.
    var pluginFiles: [String] {
        Array(Set(plugins.files + servicePlugins.values.flatMap(\.files) + routes.flatMap(\.plugins.files))).sorted()
    }

    public init(
        services: [ServiceConfiguration], routes: [RouteConfiguration], schemas: [String: ThriftSchema], notes: [ConfigDiagnostic] = []
    ) {
        self.services = services
        self.routes = routes
        self.schemas = schemas
        self.notes = notes
    }
}
