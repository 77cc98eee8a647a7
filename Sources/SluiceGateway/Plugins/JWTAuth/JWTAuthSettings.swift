internal import JWTKit
internal import NIOCore
internal import SluiceJSON

/// `jwt_auth`: a signed JWT (RFC 7519) from the `Authorization: Bearer` header (or another header, a query
/// parameter or a cookie), checked with jwt-kit against the configured keys (an HMAC secret, PEM public keys,
/// a JWKS file), then its `exp`, `nbf`, `iss` and `aud` with a leeway. Its claims can fill the call's fields
/// (`claims: {sub: req.user}`: bound before anything the client sent, so never from the client) or headers.
public struct JWTAuthSettings: Sendable, Hashable {
    enum TokenSource: Sendable, Hashable {
        /// `Authorization: Bearer <token>` (RFC 6750 §2.1), or another header holding the token (optionally
        /// after `Bearer `).
        case header(String)
        case query(String)
        case cookie(String)
    }

    /// A claim that fills a field of the route's call.
    struct ClaimField: Sendable, Hashable {
        var claim: String
        var fieldPath: [String]
        var origin: ConfigOrigin
    }

    var source = TokenSource.header("authorization")
    var keys: [JWTKeySource] = []
    /// What the keys may verify: the `algorithms` given, or all their kinds can. `none` never.
    var algorithms: [String] = []
    /// A token must name one of these (`iss`), or one of these audiences (`aud`); nil: not checked.
    var issuers: [String]?
    var audiences: [String]?
    /// Seconds of clock skew allowed on `exp` and `nbf`.
    var leeway: Double = 0
    var claimFields: [ClaimField] = []
    /// Claims sent upstream as headers (any copy the client sent is dropped first).
    var claimHeaders: [(claim: String, header: String)] = []
    /// The token's header, cookie or query parameter is not passed on.
    var hideCredentials = false
    /// jwt-kit's verifiers, made when the configuration is prepared (``JWTVerifiers/prepare(_:)``); until then
    /// every token is refused.
    var verifiers: JWTVerifiers?
    /// `jwks_url` and `jwks_refresh`; nil without one.
    var remote: JWTRemoteKeys.Source?
    /// Its fetcher, started when the configuration is prepared; its verifiers (the fixed keys' with the fetched
    /// ones) then replace ``verifiers``.
    var remoteKeys: JWTRemoteKeys?
    /// What the settings were made from (key material included), for equality: verifiers compare by it.
    var fingerprint: String = ""

    public static func == (lhs: JWTAuthSettings, rhs: JWTAuthSettings) -> Bool { lhs.fingerprint == rhs.fingerprint }
    public func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }

    /// `WWW-Authenticate` for a refusal (RFC 6750 §3): a request without a token gets no error code.
    func challenge(_ problem: String?) -> String {
        guard let problem else { return "Bearer realm=\"sluice\"" }
        let description = problem.replacingQuoteAndBackslash
        return "Bearer realm=\"sluice\", error=\"invalid_token\", error_description=\"\(description)\""
    }

    /// The token the request carries, if any.
    func token(in request: FlowRequestItems) -> Substring? {
        switch source {
        case .header(let name):
            guard let value = request.header(name) else { return nil }
            let text = value[...].trimmingASCIISpaces
            // `Bearer ` in any case (RFC 6750 §2.1), compared as bytes.
            let bytes = text.utf8
            if bytes.count > 7, zip(bytes.prefix(7), "bearer ".utf8).allSatisfy({ GatewayHeaders.asciiLower($0) == $1 }) {
                return Substring(bytes.dropFirst(7)).trimmingASCIISpaces
            }
            return name == "authorization" ? nil : text
        case .query(let name): return request.urlParam(name).map { $0[...] }
        case .cookie(let name): return request.cookie(name).map { $0[...] }
        }
    }

    /// A refusal: 401 (or 403 for a token meant for another audience, as Envoy answers) with its reason.
    struct Refusal: Error {
        var forbidden = false
        var reason: String
    }

    /// The request's token, verified: its claims go into `pass` (for the call's fields and the headers named); a
    /// request without a good one is refused.
    func authenticate(_ request: FlowRequestItems, pass: inout PluginPass) -> GatewayError? {
        guard let text = token(in: request), !text.isEmpty else {
            return GatewayError(.unauthorized, "no bearer token", plugin: .jwtAuth, challenge: challenge(nil))
        }
        let claims: JWTClaims
        do {
            claims = try verify(text, now: WallTime.now().secondsSince1970)
        } catch {
            return refusal(error.reason, forbidden: error.forbidden)
        }
        for binding in claimFields {
            // A field the route fills from the token is never left to the client: no claim, no call.
            guard let value = claims.values[binding.claim] else {
                return refusal("the token has no '\(binding.claim)' claim, which this route needs")
            }
            for text in value.texts {
                pass.claimValues.append(BoundValue(path: binding.fieldPath, text: text, source: "claim '\(binding.claim)'"))
            }
        }
        for (claim, header) in claimHeaders {
            guard let value = claims.values[claim] else { continue }
            let text = value.texts.joined(separator: ",")
            // A header value holds no control characters (RFC 9110 §5.5): such a claim is refused, not sent.
            guard !text.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) else {
                return refusal("the token's '\(claim)' claim cannot be sent as a header")
            }
            pass.claimHeaderValues.append((header, text))
        }
        return nil
    }

    private func refusal(_ reason: String, forbidden: Bool = false) -> GatewayError {
        GatewayError(forbidden ? .forbidden : .unauthorized, reason, plugin: .jwtAuth, challenge: challenge(reason))
    }

    /// Checks `text` at `now` (seconds since 1970): its claims when it is good.
    func verify(_ text: Substring, now: Double) throws(Refusal) -> JWTClaims {
        guard let verifiers = remoteKeys?.verifiers ?? verifiers else { throw Refusal(reason: "no key verifies tokens here yet") }
        let seen = JWTVerifiedTokens.current
        let claims: JWTClaims
        if let entry = seen.entry(text, keys: verifiers.generation), algorithms.contains(entry.algorithm) {
            claims = entry.claims
        } else {
            let token: JWTToken
            do {
                token = try JWTToken(text)
            } catch {
                throw Refusal(reason: error.reason)
            }
            guard token.algorithm != "none" else { throw Refusal(reason: "unsigned tokens (alg none) are not accepted") }
            guard algorithms.contains(token.algorithm) else { throw Refusal(reason: "tokens signed with \(token.algorithm) are not accepted") }
            guard verifiers.has(algorithm: token.algorithm, kid: token.kid) else {
                throw Refusal(reason: token.kid.map { "no \(token.algorithm) key has kid '\($0)'" } ?? "no key verifies \(token.algorithm)")
            }
            guard verifiers.verify(token) else { throw Refusal(reason: "the token's signature does not verify") }
            seen.remember(text, keys: verifiers.generation, .init(algorithm: token.algorithm, claims: token.claims))
            claims = token.claims
        }
        if let expires = claims.expires, now >= expires + leeway { throw Refusal(reason: "the token has expired") }
        if let notBefore = claims.notBefore, now + leeway < notBefore { throw Refusal(reason: "the token is not valid yet") }
        if let issuers {
            guard let issuer = claims.issuer, issuers.contains(issuer) else { throw Refusal(reason: "the token's issuer is not accepted") }
        }
        if let audiences, !claims.audiences.contains(where: audiences.contains) {
            throw Refusal(forbidden: true, reason: "the token is not meant for this audience")
        }
        return claims
    }
}

extension String {
    /// Safe inside a quoted-string (RFC 9110 §5.6.4).
    var replacingQuoteAndBackslash: String {
        String(unicodeScalars.filter { $0 != "\"" && $0 != "\\" && $0.value >= 0x20 && $0.value < 0x7F }.map(Character.init))
    }
}
