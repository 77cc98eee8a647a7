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

    public init(
        services: [ServiceConfiguration], routes: [RouteConfiguration], schemas: [String: ThriftSchema], notes: [ConfigDiagnostic] = []
    ) {
        self.services = services
        self.routes = routes
        self.schemas = schemas
        self.notes = notes
    }
}
