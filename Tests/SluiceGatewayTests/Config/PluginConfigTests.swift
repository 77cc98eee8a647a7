import Foundation
import SluiceThrift
import Testing
@testable import SluiceGateway

/// Plugin sections' errors at their `file:line:col` (line 9 is a fixture's first route line).
@Suite("Plugin configuration errors")
struct PluginConfigTests {
    static func route(_ plugins: String) -> String {
        echoServiceYAML + "routes:\n  - {method: POST, path: /v1/echo, service: echo, call: EchoService.Say, body: req,\n     plugins: " + plugins + "}\n"
    }

    static let cases: [(name: String, plugins: String, expected: String)] = [
        ("unknown plugin", "{key_auht: {}}",
         "echo.yaml:10:16: unknown key 'key_auht' in 'plugins' (did you mean 'key_auth'? expected one of: ip_restriction, cors, request_size, request_timeout, key_auth, jwt_auth, headers, envelope)"),
        ("plugin switched on", "{cors: on}", "echo.yaml:10:22: plugin 'cors' takes its settings (a mapping), or false or off to switch it off"),
        ("bad CIDR", "{ip_restriction: {allow: [10.0.0.0/33]}}",
         "echo.yaml:10:41: '10.0.0.0/33' in 'allow' is not an IP address or CIDR block (10.0.0.0/8, 2001:db8::/32)"),
        ("credentials with any origin", "{cors: {origins: '*', credentials: true}}",
         "echo.yaml:10:32: 'credentials: true' needs the origins listed: '*' would let any site read a signed-in user's answers"),
        ("a key without a consumer", "{key_auth: {keys: [{key: k}]}}",
         "echo.yaml:10:34: a key entry needs 'consumer' (the name the key stands for)"),
        ("framing headers", "{headers: {request: {set: {content-length: '1'}}}}",
         "echo.yaml:10:42: 'content-length' is written by the gateway and cannot be edited in 'request'"),
        ("an envelope kind that does not exist", "{envelope: {errors: {flow_block: {code: 1}}}}",
         "echo.yaml:10:36: unknown error kind 'flow_block' (did you mean 'flow_blocked'? expected exception:<Name>, grpc:<CODE>, a gateway error code, or one of: bad_request, not_found, method_not_allowed, unauthorized, forbidden, flow_blocked, circuit_open, upstream_unavailable, upstream_timeout, upstream_error, default)"),
        ("a short HMAC secret", "{jwt_auth: {secret: short}}",
         "echo.yaml:10:35: 'secret' must be at least 32 bytes for HS256 (48 for HS384, 64 for HS512)"),
        ("a claim path the call does not have", "{jwt_auth: {secret: 0123456789abcdef0123456789abcdef, claims: {sub: req.nope}}}",
         "echo.yaml:10:83: claim 'sub' binds 'req.nope', which is not in the arguments of Say: 'req' has no field 'nope' (fields: name, verbose, user, tags, inner, attrs, page)"),
        ("a JWKS URL that is not http(s)", "{jwt_auth: {jwks_url: 'ftp://idp.test/jwks'}}",
         "echo.yaml:10:37: 'jwks_url' must be an http:// or https:// URL, not 'ftp://idp.test/jwks'"),
        ("a refresh without a URL", "{jwt_auth: {secret: 0123456789abcdef0123456789abcdef, jwks_refresh: 1m}}",
         "echo.yaml:10:69: 'jwks_refresh' is how often 'jwks_url' is fetched; there is no 'jwks_url'"),
        ("a bad size", "{request_size: lots}",
         "echo.yaml:10:30: bad size 'lots' for 'request_size' (expected a positive number with a unit: 512B, 64KiB, 8MiB, 1GiB)"),
    ]

    @Test("each mistake is reported where it is written", arguments: cases.indices)
    func diagnostics(_ index: Int) throws {
        let (_, plugins, expected) = Self.cases[index]
        let result = try ConfigFixture(["echo.yaml": Self.route(plugins)]).run()
        #expect(result.diagnostics == [expected])
    }

    @Test("claims on a service's jwt_auth: its routes' fields are not its to fill")
    func serviceClaims() throws {
        let yaml = echoServiceYAML.replacingOccurrences(
            of: "    timeout: 1s\n",
            with: "    timeout: 1s\n    plugins: {jwt_auth: {secret: 0123456789abcdef0123456789abcdef, claims: {sub: req.user}}}\n")
            + "routes:\n  - {method: POST, path: /v1/echo, service: echo, call: EchoService.Say, body: req}\n"
        let result = try ConfigFixture(["echo.yaml": yaml]).run()
        #expect(result.diagnostics == [
            "echo.yaml:8:82: 'claims' fills fields of one route's call: set it in the route's own jwt_auth (claim_headers works anywhere)"
        ])
    }
}
