internal import SluiceClient
internal import SluiceThrift

/// A configured service as it runs: its schema and its client.
final class ServiceRuntime: Sendable {
    let configuration: ServiceConfiguration
    /// What the client was built from; a reload reuses the client when the new one compares equal.
    let clientConfiguration: ThriftClientConfiguration
    let caller: any ThriftCaller

    init(configuration: ServiceConfiguration, clientConfiguration: ThriftClientConfiguration, caller: any ThriftCaller) {
        self.configuration = configuration
        self.clientConfiguration = clientConfiguration
        self.caller = caller
    }

    /// The client settings for `service`. `serviceName` (TTHeader's callee service) is the IDL service the
    /// service's routes call; a service whose routes call several IDL services sends the first one's name.
    static func clientConfiguration(
        for service: ServiceConfiguration,
        routes: [RouteConfiguration],
        schema: ThriftSchema
    ) -> ThriftClientConfiguration {
        let called = routes.first { $0.service == service.name }.map { route in
            route.call.lastIndex(of: ".").map { String(route.call[..<$0]) } ?? route.call
        }
        let serviceName = called ?? schema.services.keys.sorted().first ?? service.name
        return ThriftClientConfiguration(
            endpoints: service.endpoints.map { Endpoint(host: $0.host, port: $0.port) },
            transport: service.transport,
            protocolKind: service.protocolKind,
            serviceName: serviceName,
            connectTimeout: service.connectTimeout,
            requestTimeout: service.requestTimeout,
            connectionsPerEndpoint: service.connectionsPerEndpoint,
            maxIdleConnections: service.pool.maxIdle,
            maxConnections: service.pool.maxTotal,
            idleTimeout: service.pool.idleTimeout
        )
    }
}
