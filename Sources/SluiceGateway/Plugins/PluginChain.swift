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
        if let ip = settings.ipRestriction {
            let forwarded = ip.trustedProxies.isEmpty ? [] : request.headers.values("x-forwarded-for")
            guard let address = ip.clientAddress(peer: request.remoteAddress, forwardedFor: forwarded), ip.permits(address) else {
                let shown = request.remoteAddress ?? "unknown"
                return .refuse(GatewayError(.forbidden, "the client address \(shown) is not allowed", plugin: .ipRestriction), pass)
            }
        }
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
        if let keyAuth = settings.keyAuth {
            let key = keyAuth.header.flatMap { request.header($0) } ?? keyAuth.query.flatMap { request.urlParam($0) }
            guard let key, !key.isEmpty else {
                let place = keyAuth.header.map { "header '\($0)'" } ?? keyAuth.query.map { "query parameter '\($0)'" } ?? "request"
                return .refuse(GatewayError(.unauthorized, "no API key in the \(place)", plugin: .keyAuth, challenge: keyAuth.challenge), pass)
            }
            guard let consumer = keyAuth.consumers[KeyDigest(key: key)] else {
                return .refuse(GatewayError(.unauthorized, "the API key is not valid", plugin: .keyAuth, challenge: keyAuth.challenge), pass)
            }
            if let allowed = keyAuth.allowedConsumers, !allowed.contains(consumer) {
                pass.consumer = consumer
                return .refuse(GatewayError(.forbidden, "consumer '\(consumer)' may not use this route", plugin: .keyAuth), pass)
            }
            pass.consumer = consumer
        }
        if let jwt = settings.jwtAuth {
            guard let token = jwt.token(in: request), !token.isEmpty else {
                let challenge = jwt.challenge(nil)
                return .refuse(GatewayError(.unauthorized, "no bearer token", plugin: .jwtAuth, challenge: challenge), pass)
            }
            let claims: JWTClaims
            do {
                claims = try jwt.verify(token, now: WallTime.now().secondsSince1970)
            } catch {
                let code: GatewayError.Code = error.forbidden ? .forbidden : .unauthorized
                return .refuse(GatewayError(code, error.reason, plugin: .jwtAuth, challenge: jwt.challenge(error.reason)), pass)
            }
            for binding in jwt.claimFields {
                // A field the route fills from the token is never left to the client: no claim, no call.
                guard let value = claims.values[binding.claim] else {
                    let reason = "the token has no '\(binding.claim)' claim, which this route needs"
                    return .refuse(GatewayError(.unauthorized, reason, plugin: .jwtAuth, challenge: jwt.challenge(reason)), pass)
                }
                for text in value.texts {
                    pass.claimValues.append(BoundValue(path: binding.fieldPath, text: text, source: "claim '\(binding.claim)'"))
                }
            }
            for (claim, header) in jwt.claimHeaders {
                guard let value = claims.values[claim] else { continue }
                let text = value.texts.joined(separator: ",")
                // A header value holds no control characters (RFC 9110 §5.5): such a claim is refused, not sent.
                guard !text.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) else {
                    let reason = "the token's '\(claim)' claim cannot be sent as a header"
                    return .refuse(GatewayError(.unauthorized, reason, plugin: .jwtAuth, challenge: jwt.challenge(reason)), pass)
                }
                pass.claimHeaderValues.append((header, text))
            }
        }
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

/// What a request that passed its plugins carries on: the consumer it authenticated as, the allowed origin
/// of a cross-origin request, and the edits its request and answer get.
struct PluginPass: Sendable {
    let chain: PluginChain
    var consumer: String?
    /// A CORS request's origin, when allowed: its answer names it.
    var origin: String?
    /// Values of a verified token's claims for the call's fields, bound before anything the client sent.
    var claimValues: [BoundValue] = []
    /// ...and for the headers `claim_headers` names.
    var claimHeaderValues: [(name: String, value: String)] = []

    var settings: PluginSettings { chain.settings }

    var editsRequest: Bool {
        settings.keyAuth.map { $0.consumerHeader != nil || $0.hideCredentials } == true
            || settings.jwtAuth.map { !$0.claimHeaders.isEmpty || $0.hideCredentials } == true
            || settings.headers.map { !$0.request.isEmpty } == true
    }

    var editsResponse: Bool {
        settings.headers.map { !$0.response.isEmpty } == true || settings.cors != nil || settings.envelope != nil
    }

    /// The answer as the route's plugins leave it: in its envelope, then with their header fields.
    func finish(_ response: GatewayResponse, allocator: ByteBufferAllocator) -> GatewayResponse {
        var response = settings.envelope.map { $0.wrap(response, allocator: allocator) } ?? response
        editResponse(&response.headers)
        return response
    }

    /// The request's fields as the binder or the upstream sees them.
    func editRequest(_ headers: inout HTTPHeaders) {
        if let keyAuth = settings.keyAuth {
            if keyAuth.hideCredentials, let header = keyAuth.header { headers.remove(name: header) }
            if let name = keyAuth.consumerHeader {
                // Only the gateway says who the consumer is.
                headers.remove(name: name)
                if let consumer { headers.add(name: name, value: consumer) }
            }
        }
        if let jwt = settings.jwtAuth {
            if jwt.hideCredentials {
                switch jwt.source {
                case .header(let name): headers.remove(name: name)
                case .cookie(let name): Self.removeCookie(name, from: &headers)
                case .query: break  // editQuery
                }
            }
            // Only a verified token says what these are.
            for (_, name) in jwt.claimHeaders { headers.remove(name: name) }
            for field in claimHeaderValues { headers.add(name: field.name, value: field.value) }
        }
        settings.headers?.request.apply(to: &headers)
    }

    /// The query without the credentials' parameters (an API key's, a token's), when `hide_credentials` says
    /// so; nil when nothing changes.
    func editQuery(_ query: Substring) -> Substring? {
        var names: [String] = []
        if let keyAuth = settings.keyAuth, keyAuth.hideCredentials, let name = keyAuth.query { names.append(name) }
        if let jwt = settings.jwtAuth, jwt.hideCredentials, case .query(let name) = jwt.source { names.append(name) }
        guard !names.isEmpty, !query.isEmpty else { return nil }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: false)
        let kept = pairs.filter { pair in
            let key = pair.utf8.firstIndex(of: UInt8(ascii: "=")).map { pair.utf8[..<$0] } ?? pair.utf8[...]
            return !names.contains { RequestBinder.keyMatches(key, $0) }
        }
        guard kept.count != pairs.count else { return nil }
        return kept.joined(separator: "&")[...]
    }

    /// Drops cookie `name` from every `Cookie` field (a field left empty goes too).
    static func removeCookie(_ name: String, from headers: inout HTTPHeaders) {
        let fields = headers["cookie"]
        guard !fields.isEmpty else { return }
        headers.remove(name: "cookie")
        for field in fields {
            let kept = field.split(separator: ";").filter { pair in
                let trimmed = pair.drop { $0 == " " }
                return trimmed.split(separator: "=", maxSplits: 1).first.map { $0 != name } ?? true
            }
            let value = kept.map { $0.drop { $0 == " " } }.joined(separator: "; ")
            if !value.isEmpty { headers.add(name: "cookie", value: value) }
        }
    }

    func editResponse(_ fields: inout [(name: String, value: String)]) {
        for field in corsFields { fields.append(field) }
        settings.headers?.response.apply(to: &fields)
    }

    func editResponse(_ headers: inout HTTPHeaders) {
        for field in corsFields { headers.add(name: field.name, value: field.value) }
        settings.headers?.response.apply(to: &headers)
    }

    private var corsFields: [(name: String, value: String)] {
        guard let cors = settings.cors else { return [] }
        // Whether an origin is named depends on the request's `Origin`, whatever it was.
        var fields: [(name: String, value: String)] = cors.allowsAnyOrigin && !cors.credentials ? [] : [("vary", "Origin")]
        guard let origin else { return fields }
        fields.append(("access-control-allow-origin", cors.allowOrigin(for: origin)))
        if cors.credentials { fields.append(("access-control-allow-credentials", "true")) }
        if !cors.exposeHeaders.isEmpty { fields.append(("access-control-expose-headers", cors.exposeHeaders.joined(separator: ", "))) }
        return fields
    }
}
