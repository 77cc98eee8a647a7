internal import SluiceClient
internal import SluiceThrift

/// `/admin/routes`: the running route table, in the order the router was given it.
enum AdminRoutes {
    static func json(_ configuration: GatewayConfiguration) -> AdminJSON {
        let kinds = Dictionary(configuration.services.map { ($0.name, $0.kind) }, uniquingKeysWith: { first, _ in first })
        let routes = configuration.routes.map { route -> AdminJSON in
            let kind = kinds[route.service] ?? .thrift
            return .object([
                ("resource", .string(route.resource)),
                ("name", .optional(route.name, AdminJSON.string)),
                ("method", .string(route.method)),
                ("path", .string(route.template.text)),
                ("service", .string(route.service)),
                ("protocol", .string(AdminServices.protocolName(kind))),
                ("call", kind == .http ? .null : .string(route.call)),
                ("timeout_ms", .optional(route.callPolicy.timeout, AdminJSON.milliseconds)),
                ("retry", .bool(route.callPolicy.retry != nil)),
                ("hedge", .bool(route.callPolicy.hedge != nil)),
                ("origin", .string(route.origin.description)),
            ])
        }
        return .object([("routes", .array(routes))])
    }
}
