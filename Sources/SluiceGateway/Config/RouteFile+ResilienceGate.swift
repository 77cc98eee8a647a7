internal import Yams

/// Which services' clients apply which resilience keys of issue 14. The Thrift and gRPC clients compose the
/// cluster and apply them all; an HTTP service's per-loop connection shards apply the balancer (`balancer`,
/// `hash_key`, `slow_start`, endpoint weights) but do not retry, hedge, eject or discover yet. This is the one
/// place that says so: wiring a key for a protocol is taking it out of ``unwiredResilienceKeys(_:)``.
extension RouteFile {
    /// Service keys read into ``ServiceConfiguration/cluster`` and ``ServiceConfiguration/hashKey``.
    static let resilienceServiceKeys = [
        "discovery", "balancer", "hash_key", "slow_start", "retry", "hedge", "outlier", "health_check",
    ]
    /// Route keys read into ``RouteConfiguration/callPolicy``.
    static let callPolicyRouteKeys = ["timeout", "retry", "hedge"]

    /// The resilience keys a `kind` service's client does not apply yet.
    static func unwiredResilienceKeys(_ kind: ServiceConfiguration.Kind) -> [String] {
        switch kind {
        case .thrift, .grpc: []
        // A proxied body streams through once: no second copy is kept to send at the same time.
        case .http: ["hedge"]
        }
    }

    static func protocolName(_ kind: ServiceConfiguration.Kind) -> String {
        switch kind {
        case .thrift: "thrift"
        case .grpc: "grpc"
        case .http: "http"
        }
    }

    /// Reports each resilience key on a service whose client does not apply it yet; `true` when there was none.
    static func refuseUnwiredResilienceKeys(
        _ fields: [String: (key: Node, value: Node)], kind: ServiceConfiguration.Kind, reader: inout YAMLReader
    ) -> Bool {
        let unwired = unwiredResilienceKeys(kind)
        guard !unwired.isEmpty else { return true }
        let name = protocolName(kind)
        return refuseKeys(unwired, in: fields, reader: &reader) {
            "'\($0)' does not apply to protocol: \(name) services: a proxied request's body streams through once, so no backup copy can be sent (retry applies)"
        }
    }

    /// `fields` without the keys ``refuseUnwiredResilienceKeys(_:kind:reader:)`` reported, so they are not read
    /// (and reported) a second time.
    static func wiredFields(
        _ fields: [String: (key: Node, value: Node)], kind: ServiceConfiguration.Kind
    ) -> [String: (key: Node, value: Node)] {
        let unwired = unwiredResilienceKeys(kind)
        return fields.filter { !unwired.contains($0.key) }
    }

    /// The message for a route's `timeout`, `retry` or `hedge` when its service's client does not apply them.
    static func unwiredCallPolicyKey(_ key: String, service: ServiceConfiguration) -> String? {
        guard unwiredResilienceKeys(service.kind).contains(key) else { return nil }
        return "'\(key)' on a route does not apply to protocol: \(protocolName(service.kind)) services ('\(service.name)'): a proxied request's body streams through once, so no backup copy can be sent"
    }
}
