/// Routes checked against their service's protocol: a route to a `protocol: http` service proxies, so it
/// takes no Thrift keys; a route to a Thrift service needs a `call` and takes no proxy keys.
extension RouteValidation {
    /// Reports every key of `draft` that does not fit `service`; `true` when there is none.
    mutating func checkKeys(of draft: RouteFile.RouteDraft, service: ServiceConfiguration) -> Bool {
        let route = draft.configuration
        var valid = true
        if case .pathParam(let name) = service.hashKey, !route.template.variables.contains(where: { $0.name == name }) {
            report(draft.pathOrigin.diagnostic(
                "hash_key.path_param: service '\(service.name)' hashes on path variable '\(name)', which this path does not bind"))
            valid = false
        }
        switch service.kind {
        case .http:
            for key in RouteFile.rpcOnlyRouteKeys {
                guard let origin = draft.keyOrigins[key] else { continue }
                report(origin.diagnostic(
                    "'\(key)' does not apply to a route to http service '\(service.name)': its requests are proxied as they are"
                ))
                valid = false
            }
            if case .envelope(let envelope) = route.plugins.entries[.envelope] {
                report((envelope.origin ?? route.origin).diagnostic(
                    "'envelope' does not apply to a route to http service '\(service.name)': its answers are relayed as they are"))
                valid = false
            }
            if let claim = route.claimFields.first {
                report(claim.origin.diagnostic("jwt_auth 'claims' fills fields of a call; a route to http service '\(service.name)' proxies (use claim_headers)"))
                valid = false
            }
        case .thrift, .grpc:
            let kind = service.kind == .thrift ? "a Thrift" : "a gRPC"
            if draft.callOrigin == nil {
                report(route.origin.diagnostic("a route needs 'call'"))
                valid = false
            }
            if route.method == "*", let origin = draft.keyOrigins["method"] {
                report(origin.diagnostic("method '*' is only for routes to http services; '\(service.name)' is \(kind) service"))
                valid = false
            }
            for key in RouteFile.proxyOnlyRouteKeys {
                guard let origin = draft.keyOrigins[key] else { continue }
                report(origin.diagnostic("'\(key)' is only for routes to http services; '\(service.name)' is \(kind) service"))
                valid = false
            }
            valid = checkProtocolKeys(of: draft, service: service) && valid
        }
        return valid
    }

    /// Keys and options that belong to the other RPC protocol: Thrift's `exceptions` and JSON options, or
    /// gRPC's `response_body` and protobuf JSON options.
    private mutating func checkProtocolKeys(of draft: RouteFile.RouteDraft, service: ServiceConfiguration) -> Bool {
        let isGRPC = service.kind == .grpc
        let (kind, other) = isGRPC ? ("a gRPC", "Thrift") : ("a Thrift", "gRPC")
        var valid = true
        for key in isGRPC ? ["exceptions"] : ["response_body"] {
            guard let origin = draft.keyOrigins[key] else { continue }
            let why = isGRPC ? "a gRPC error's status follows its code" : "only gRPC replies are projected"
            report(origin.diagnostic("'\(key)' is for \(other) services; '\(service.name)' is \(kind) service (\(why))"))
            valid = false
        }
        for key in isGRPC ? RouteFile.thriftOptionKeys : RouteFile.grpcOptionKeys {
            guard let origin = draft.optionOrigins[key] else { continue }
            let own = (isGRPC ? RouteFile.grpcOptionKeys : RouteFile.thriftOptionKeys).joined(separator: ", ")
            report(origin.diagnostic("option '\(key)' is for \(other) services; '\(service.name)' is \(kind) service (its options: \(own))"))
            valid = false
        }
        return valid
    }
}
