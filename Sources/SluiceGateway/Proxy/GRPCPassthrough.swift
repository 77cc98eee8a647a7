internal import Logging
internal import NIOCore
internal import NIOHTTP1
internal import SluiceProtobuf

/// gRPC calls proxied unchanged (HTTP/2 to HTTP/2) to `protocol: grpc` services, decided at the request head
/// by `:path`: each method of a service's descriptors (`/pkg.Service/Method`, unary and streaming alike) is a
/// ``ProxyRoute`` to that service's endpoints, spoken to as `h2c` (or `h2` with `tls:`), so the streaming,
/// flow control and trailers are those of every proxied HTTP/2 request. Only requests whose `content-type`
/// is `application/grpc…` are looked up, so the service's JSON routes (`auto_routes` ones at the same paths
/// among them) still get JSON requests.
///
/// gRPC-Web requests (``GRPCWebCall``) are routed the same way, over HTTP/1.1 too.
///
/// A gRPC request for a path no service has is answered `UNIMPLEMENTED` (``unimplemented``), as a gRPC
/// server would, rather than with a JSON 404 a gRPC client cannot read.
struct GRPCPassthrough: Sendable {
    /// By `:path`.
    let routes: [String: ProxyRoute]
    /// Answers unknown gRPC paths itself; nil when no route is passed through.
    let unimplemented: ProxyRoute?

    static let empty = GRPCPassthrough(routes: [:], unimplemented: nil)

    var isEmpty: Bool { routes.isEmpty }

    /// The route for a gRPC request `head` (HTTP/2 with `application/grpc` content), or a gRPC-Web one (any
    /// HTTP version, ``GRPCWebCall/Mode``); nil for any other request.
    func route(for head: HTTPRequestHead) -> ProxyRoute? {
        guard !routes.isEmpty, let contentType = head.headers.first(name: "content-type"),
            (head.version.major == 2 && Self.isGRPC(contentType: contentType)) || GRPCWebCall.Mode(contentType: contentType) != nil
        else { return nil }
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return routes[String(path)] ?? unimplemented
    }

    /// `application/grpc` with or without a `+codec` suffix or parameters; not `application/grpc-web…`.
    static func isGRPC(contentType: String) -> Bool {
        let prefix = "application/grpc"
        guard contentType.utf8.count >= prefix.utf8.count,
            contentType.utf8.prefix(prefix.utf8.count).elementsEqual(prefix.utf8, by: { ($0 | 0x20) == ($1 | 0x20) })
        else { return false }
        guard let next = contentType.utf8.dropFirst(prefix.utf8.count).first else { return true }
        return next == UInt8(ascii: "+") || next == UInt8(ascii: ";")
    }

    /// The gRPC `:path` of the method `pkg.Service.Method`: `/pkg.Service/Method`.
    static func path(ofMethod fullName: String) -> String? {
        guard let dot = fullName.lastIndex(of: ".") else { return nil }
        return "/" + fullName[..<dot] + "/" + fullName[fullName.index(after: dot)...]
    }

    /// The method resources of every method passed through: `service:pkg.Service.Method`.
    static func methodResources(_ configuration: GatewayConfiguration) -> [String] {
        configuration.services.filter { $0.kind == .grpc }.flatMap { service in
            (configuration.protobufIDLs[service.name]?.schema.methods.values.map { service.name + ":" + $0.fullName }) ?? []
        }
    }

    /// The table for `configuration`'s `protocol: grpc` services, with one upstream per service (the
    /// previous snapshot's when its settings did not change, as for `protocol: http` services).
    static func build(
        configuration: GatewayConfiguration, previous: RuntimeSnapshot?, guards: RouteGuardBuilder, group: any EventLoopGroup,
        logger: Logger, metrics: GatewayMetrics? = nil
    ) -> (table: GRPCPassthrough, upstreams: [String: HTTPUpstream]) {
        var routes: [String: ProxyRoute] = [:]
        var upstreams: [String: HTTPUpstream] = [:]
        var unimplemented: ProxyRoute?
        for service in configuration.services where service.kind == .grpc && upstreams[service.name] == nil {
            guard let idl = configuration.protobufIDLs[service.name] else { continue }
            var settings = service
            settings.upstreamHTTP = service.tls == nil ? .h2c : .h2
            let upstream: HTTPUpstream
            if let existing = previous?.upstreams[service.name], existing.configuration == settings {
                upstream = existing
            } else {
                upstream = HTTPUpstream(configuration: settings, group: group, logger: logger)
            }
            upstreams[service.name] = upstream
            let plugins = PluginChain(PluginLayer.resolve(configuration.plugins, configuration.servicePlugins[service.name] ?? PluginLayer()).proxied)
            // The reflection and status files linked in for transcoding declare no service.
            for method in idl.schema.methods.values.sorted(by: { $0.fullName < $1.fullName }) {
                guard let path = Self.path(ofMethod: method.fullName), routes[path] == nil,
                    let route = Self.route(
                        path: path, method: method.fullName, service: service, upstream: upstream, role: .call, guards: guards,
                        metrics: metrics, plugins: plugins)
                else { continue }
                routes[path] = route
                if unimplemented == nil {
                    unimplemented = Self.route(
                        path: path, method: "", service: service, upstream: upstream, role: .unimplemented, guards: nil,
                        metrics: metrics, plugins: plugins)
                }
            }
        }
        return (GRPCPassthrough(routes: routes, unimplemented: unimplemented), upstreams)
    }

    private static func route(
        path: String, method: String, service: ServiceConfiguration, upstream: HTTPUpstream, role: ProxyRoute.GRPCRole,
        guards: RouteGuardBuilder?, metrics: GatewayMetrics?, plugins: PluginChain?
    ) -> ProxyRoute? {
        guard let template = try? PathTemplate.parse(path) else { return nil }
        let configuration = RouteConfiguration(
            method: "POST", template: template, service: service.name, call: method, origin: service.origin)
        // A passed-through call enters its method's resource (`service:pkg.Service.Method`), as a transcoded
        // call of the same method does, and the `POST /pkg.Service/Method` route resource system rules watch.
        let flowGuard = guards?.guardFor(configuration, call: nil, entersMethod: true)
        // Unimplemented methods share one label, so a client probing names cannot grow the metrics without bound.
        let label = role == .unimplemented ? GatewayMetrics.unmatchedRoute : configuration.resource
        return ProxyRoute(
            configuration: configuration, upstream: upstream, grpc: role, flowGuard: flowGuard, metrics: metrics?.route(label),
            plugins: plugins)
    }
}
