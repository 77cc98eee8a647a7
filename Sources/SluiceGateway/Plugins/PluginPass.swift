internal import NIOCore
internal import NIOHTTP1
internal import SluiceJSON

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
