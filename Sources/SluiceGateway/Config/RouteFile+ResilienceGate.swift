internal import Yams

/// Which services' clients apply the resilience keys of issue 14. The Thrift and gRPC clients compose the
/// cluster; HTTP services keep what they already honoured (plain `endpoints`, `timeout`). This is the one place
/// that says so: supporting another protocol is adding it to ``resilienceProtocols``.
extension RouteFile {
    /// Service keys read into ``ServiceConfiguration/cluster`` and ``ServiceConfiguration/hashKey``.
    static let resilienceServiceKeys = [
        "discovery", "balancer", "hash_key", "slow_start", "retry", "hedge", "outlier", "health_check",
    ]
    /// Route keys read into ``RouteConfiguration/callPolicy``.
    static let callPolicyRouteKeys = ["timeout", "retry", "hedge"]
    static let resilienceProtocols: Set<ServiceConfiguration.Kind> = [.thrift, .grpc]

    static func protocolName(_ kind: ServiceConfiguration.Kind) -> String {
        switch kind {
        case .thrift: "thrift"
        case .grpc: "grpc"
        case .http: "http"
        }
    }

    /// Reports each resilience key (and each weighted `endpoints` entry) on a service whose client does not
    /// apply them yet; `true` when there was none.
    static func refuseUnwiredResilienceKeys(
        _ fields: [String: (key: Node, value: Node)], kind: ServiceConfiguration.Kind, reader: inout YAMLReader
    ) -> Bool {
        guard !resilienceProtocols.contains(kind) else { return true }
        let name = protocolName(kind)
        var valid = refuseKeys(resilienceServiceKeys, in: fields, reader: &reader) {
            "'\($0)' is not supported yet for protocol: \(name) services (only thrift and grpc services' clients apply it so far)"
        }
        for item in fields["endpoints"]?.value.sequence ?? [] where item.mapping != nil {
            reader.error(at: item, "endpoint weights are not supported yet for protocol: \(name) services; write the endpoint as a string")
            valid = false
        }
        return valid
    }

    /// The message for a route's `timeout`, `retry` or `hedge` when its service's client does not apply them.
    static func unwiredCallPolicyKey(_ key: String, service: ServiceConfiguration) -> String? {
        guard !resilienceProtocols.contains(service.kind) else { return nil }
        return "'\(key)' on a route is not supported yet for protocol: \(protocolName(service.kind)) services ('\(service.name)')"
    }
}
