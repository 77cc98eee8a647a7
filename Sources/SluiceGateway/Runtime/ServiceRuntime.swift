internal import SluiceClient
internal import SluiceThrift

/// The client a configured service uses for one IDL service its routes call.
///
/// `ThriftClient` names its callee service (TTHeader's ToService and `isn`) once, in its configuration, so
/// a route-file service whose routes call several IDL services gets one client per IDL service. They share
/// no connections: `connections` and the pool limits apply to each. A gRPC service has one client: each
/// call's path names its service.
final class ServiceRuntime: Sendable {
    struct Key: Sendable, Hashable {
        /// The route file's service name.
        var service: String
        /// The called IDL service, as qualified in the schema (`EchoService`, `shared.Base`); empty for gRPC.
        var idlService: String
    }

    let configuration: ServiceConfiguration
    let client: ServiceClient

    init(configuration: ServiceConfiguration, client: ServiceClient) {
        self.configuration = configuration
        self.client = client
    }

    /// The client settings for calling `idlService` (qualified as in the schema) on `service`'s endpoints.
    /// The callee name is the service's declared name, without an include prefix, as a Kitex server
    /// registers it. `routesRetry` says that some route of the service sets its own `retry` or `hedge`.
    static func clientConfiguration(
        for service: ServiceConfiguration,
        idlService: String,
        routesRetry: Bool = false
    ) -> ThriftClientConfiguration {
        let declaredName = idlService.lastIndex(of: ".").map { String(idlService[idlService.index(after: $0)...]) }
        return ThriftClientConfiguration(
            endpoints: service.endpoints,
            transport: service.transport,
            protocolKind: service.protocolKind,
            serviceName: declaredName ?? idlService,
            connectTimeout: service.connectTimeout,
            requestTimeout: service.requestTimeout,
            connectionsPerEndpoint: service.connectionsPerEndpoint,
            maxIdleConnections: service.pool.maxIdle,
            maxConnections: service.pool.maxTotal,
            idleTimeout: service.pool.idleTimeout,
            tls: service.tls,
            cluster: usesCluster(service, routesRetry: routesRetry) ? service.cluster : nil
        )
    }

    /// Whether calls go through a cluster (balancer, attempts): always, except for one static endpoint with
    /// every resilience setting at its default, which keeps the direct path (the same behaviour, less work).
    static func usesCluster(_ service: ServiceConfiguration, routesRetry: Bool) -> Bool {
        let plain = ClusterConfiguration(endpoints: service.endpoints.map { WeightedEndpoint($0) })
        return routesRetry || service.endpoints.count != 1 || service.cluster != plain
    }

    /// A gRPC service's client settings; a cluster under the same rule as Thrift's (``usesCluster``).
    static func grpcClientConfiguration(for service: ServiceConfiguration, routesRetry: Bool = false) -> GRPCClientConfiguration {
        GRPCClientConfiguration(
            endpoints: service.endpoints,
            connectionsPerEndpoint: service.connectionsPerEndpoint,
            tls: service.tls,
            connectTimeout: service.connectTimeout,
            authority: service.grpc.authority,
            userAgent: "sluice/\(GatewayVersion.string)",
            cluster: usesCluster(service, routesRetry: routesRetry) ? service.cluster : nil,
            serviceName: service.name
        )
    }
}

/// A service's client, with the settings it was built from (a reload keeps a client whose settings are
/// unchanged).
enum ServiceClient: Sendable {
    case thrift(any ThriftCaller, ThriftClientConfiguration)
    case grpc(any GRPCCaller, GRPCClientConfiguration)

    /// The client object, for telling whether two snapshots share it.
    var identity: ObjectIdentifier {
        switch self {
        case .thrift(let caller, _): ObjectIdentifier(caller)
        case .grpc(let caller, _): ObjectIdentifier(caller)
        }
    }

    func endpointStatuses() async -> [EndpointStatus]? {
        switch self {
        case .thrift(let caller, _): await caller.endpointStatuses()
        case .grpc(let caller, _): await caller.endpointStatuses()
        }
    }

    var openConnections: Int? {
        switch self {
        case .thrift(let caller, _): caller.openConnections
        case .grpc(let caller, _): caller.openConnections
        }
    }

    func shutdown() async {
        switch self {
        case .thrift(let caller, _): await caller.shutdown()
        case .grpc(let caller, _): await caller.shutdown()
        }
    }
}
