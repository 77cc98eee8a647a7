internal import SluiceClient
internal import SluiceThrift

/// The client a configured service uses for one IDL service its routes call.
///
/// `ThriftClient` names its callee service (TTHeader's ToService and `isn`) once, in its configuration, so
/// a route-file service whose routes call several IDL services gets one client per IDL service. They share
/// no connections: `connections` and the pool limits apply to each.
final class ServiceRuntime: Sendable {
    struct Key: Sendable, Hashable {
        /// The route file's service name.
        var service: String
        /// The called IDL service, as qualified in the schema (`EchoService`, `shared.Base`).
        var idlService: String
    }

    let configuration: ServiceConfiguration
    /// What the client was built from; a reload reuses the client when the new one compares equal.
    let clientConfiguration: ThriftClientConfiguration
    let caller: any ThriftCaller

    init(configuration: ServiceConfiguration, clientConfiguration: ThriftClientConfiguration, caller: any ThriftCaller) {
        self.configuration = configuration
        self.clientConfiguration = clientConfiguration
        self.caller = caller
    }

    /// The client settings for calling `idlService` (qualified as in the schema) on `service`'s endpoints.
    /// The callee name is the service's declared name, without an include prefix, as a Kitex server
    /// registers it.
    static func clientConfiguration(
        for service: ServiceConfiguration,
        idlService: String
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
            tls: service.tls
        )
    }
}
