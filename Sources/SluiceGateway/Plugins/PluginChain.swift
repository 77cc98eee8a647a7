internal import NIOCore
internal import NIOHTTP1
internal import SluiceJSON

/// A route's plugins, made ready when its snapshot is built: run in ``PluginName``'s order on each request
/// before the flow guard, so a refused request never takes a permit nor reaches a backend. nil on a route
/// without plugins, which then pays nothing for them.
final class PluginChain: Sendable {
    let settings: PluginSettings

    init?(_ settings: PluginSettings) {
        guard !settings.isEmpty else { return nil }
        self.settings = settings
    }

    /// What the plugins say of a request: go on (with what they learned), answer a preflight, or refuse.
    enum Admission {
        case proceed(PluginPass)
        /// A CORS preflight the edge answers itself.
        case preflight(GatewayResponse)
        /// A refusal naming its plugin; the pass carries the response edits it still gets (CORS headers, so a
        /// page can read why it was refused).
        case refuse(GatewayError, PluginPass)
    }

    /// `bodySize`: the request body's size when it came whole (a WebSocket message's: HTTP bodies were sized at
    /// their head by the listener). `unservedPreflight`: a preflight asking for a method no route at its path
    /// serves, brought to this route because it serves another: refused.
    func admit(
        method: String, _ request: FlowRequestItems, bodySize: Int? = nil, unservedPreflight: Bool = false, allocator: ByteBufferAllocator
    ) -> Admission {
        var pass = PluginPass(chain: self)
        if let refusal = settings.ipRestriction?.check(request) { return .refuse(refusal, pass) }
        if let cors = settings.cors, let origin = request.header("origin") {
            if method == "OPTIONS", let asked = request.header("access-control-request-method") {
                return preflight(
                    cors, origin: origin, method: asked, served: !unservedPreflight, headers: request.header("access-control-request-headers"),
                    pass: pass)
            }
            if cors.allows(origin: origin) { pass.origin = origin }
        }
        if let limit = settings.requestSize, let bodySize, bodySize > limit {
            return .refuse(GatewayError(.payloadTooLarge, "the request body is larger than the route's \(limit) bytes", plugin: .requestSize), pass)
        }
        if let refusal = settings.keyAuth?.authenticate(request, pass: &pass) { return .refuse(refusal, pass) }
        if let refusal = settings.jwtAuth?.authenticate(request, pass: &pass) { return .refuse(refusal, pass) }
        return .proceed(pass)
    }

    private func preflight(
        _ cors: CORSSettings, origin: String, method: String, served: Bool, headers: String?, pass: PluginPass
    ) -> Admission {
        guard cors.allows(origin: origin) else {
            return .refuse(GatewayError(.forbidden, "origin \(origin) may not call this route", plugin: .cors), pass)
        }
        var pass = pass
        pass.origin = origin
        guard cors.methods.contains(method), served else {
            return .refuse(GatewayError(.forbidden, "method \(method) is not allowed from other origins", plugin: .cors), pass)
        }
        guard let allowHeaders = cors.allowHeaders(requested: headers) else {
            return .refuse(GatewayError(.forbidden, "a requested header is not allowed from other origins", plugin: .cors), pass)
        }
        var fields: [(name: String, value: String)] = [
            ("access-control-allow-origin", cors.allowOrigin(for: origin)),
            ("access-control-allow-methods", cors.methods.joined(separator: ", ")),
        ]
        if let allowHeaders { fields.append(("access-control-allow-headers", allowHeaders)) }
        if cors.credentials { fields.append(("access-control-allow-credentials", "true")) }
        if let maxAge = cors.maxAge { fields.append(("access-control-max-age", String(maxAge))) }
        // The answer depends on what was asked: a cache must not serve it to another origin or request.
        fields.append(("vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"))
        return .preflight(GatewayResponse(status: 204, headers: fields, body: nil))
    }
}
