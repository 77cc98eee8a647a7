/// Routes checked against their service's protocol: a route to a `protocol: http` service proxies, so it
/// takes no Thrift keys; a route to a Thrift service needs a `call` and takes no proxy keys.
extension RouteValidation {
    /// Reports every key of `draft` that does not fit `service`; `true` when there is none.
    mutating func checkKeys(of draft: RouteFile.RouteDraft, service: ServiceConfiguration) -> Bool {
        let route = draft.configuration
        var valid = true
        switch service.kind {
        case .http:
            for key in RouteFile.rpcOnlyRouteKeys {
                guard let origin = draft.keyOrigins[key] else { continue }
                report(origin.diagnostic(
                    "'\(key)' does not apply to a route to http service '\(service.name)': its requests are proxied as they are"
                ))
                valid = false
            }
        case .thrift:
            if draft.callOrigin == nil {
                report(route.origin.diagnostic("a route needs 'call'"))
                valid = false
            }
            if route.method == "*", let origin = draft.keyOrigins["method"] {
                report(origin.diagnostic("method '*' is only for routes to http services; '\(service.name)' is a Thrift service"))
                valid = false
            }
            for key in RouteFile.proxyOnlyRouteKeys {
                guard let origin = draft.keyOrigins[key] else { continue }
                report(origin.diagnostic("'\(key)' is only for routes to http services; '\(service.name)' is a Thrift service"))
                valid = false
            }
        }
        return valid
    }
}
