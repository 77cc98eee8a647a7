internal import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import SluiceClient

/// One admin request, whole (admin bodies are small; the listener caps them).
struct AdminRequest: Sendable {
    var method: HTTPMethod
    /// Without the query.
    var path: String
    /// After `?`, still percent-encoded; empty when there is none.
    var query: Substring = ""
    var authorization: String?
    var body: ByteBuffer
}

struct AdminResponse: Sendable {
    var status: HTTPResponseStatus
    var body: ByteBuffer
    var contentType = "application/json"
    var headers: [(String, String)] = []

    init(_ status: HTTPResponseStatus, _ json: AdminJSON, headers: [(String, String)] = []) {
        self.status = status
        self.body = json.bytes
        self.headers = headers
    }

    init(_ status: HTTPResponseStatus, body: ByteBuffer, contentType: String) {
        self.status = status
        self.body = body
        self.contentType = contentType
    }

    /// The dashboard's page and script: no data in them, so no token; revalidated, so an upgrade shows at once.
    static func page(_ text: String, contentType: String) -> Self {
        var response = AdminResponse(.ok, body: ByteBuffer(string: text), contentType: contentType)
        response.headers = [("Cache-Control", "no-cache")]
        return response
    }

    /// The gateway's error shape: `{"error": {"code", "message"}}`.
    static func error(_ status: HTTPResponseStatus, code: String, _ message: String, headers: [(String, String)] = []) -> Self {
        AdminResponse(status, .object([("error", .object([("code", .string(code)), ("message", .string(message))]))]), headers: headers)
    }
}

/// The admin endpoints: health and readiness, the running routes and services, the effective configuration,
/// and reloads. Each answer reads the snapshot current when it is asked, as a request would.
///
/// Holds the gateway weakly: the gateway owns the listener this serves, and a request that arrives while it
/// shuts down gets a 503 rather than keeping it alive.
final class AdminAPI: Sendable {
    private weak let gateway: Gateway?
    private let authorization: AdminAuthorization
    private let settings: AdminSettings

    init(gateway: Gateway, settings: AdminSettings) {
        self.gateway = gateway
        self.settings = settings
        self.authorization = AdminAuthorization(token: settings.token)
    }

    func respond(to request: AdminRequest) async -> AdminResponse {
        if case .refused(let why) = authorization.check(path: request.path, authorization: request.authorization) {
            return .error(.unauthorized, code: "unauthorized", why, headers: [("WWW-Authenticate", "Bearer realm=\"sluice-admin\"")])
        }
        guard let gateway else { return .error(.serviceUnavailable, code: "shutting_down", "the gateway is shutting down") }
        if request.path.hasPrefix(Self.rulesPrefix) { return await changeRules(request, gateway: gateway) }
        let endpoints: [(String, HTTPMethod)] = [
            ("/healthz", .GET), ("/readyz", .GET), ("/admin/routes", .GET), ("/admin/services", .GET),
            ("/admin/config", .GET), ("/admin/flow", .GET), ("/admin/rules", .GET), ("/admin/reload", .POST), ("/metrics", .GET),
            ("/", .GET), ("/dashboard.js", .GET),
        ]
        guard let allowed = endpoints.first(where: { $0.0 == request.path })?.1 else {
            let list = endpoints.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
            return .error(.notFound, code: "not_found", "no admin endpoint \(request.path) (there are: \(list))")
        }
        guard request.method == allowed || (allowed == .GET && request.method == .HEAD) else {
            return .error(.methodNotAllowed, code: "method_not_allowed", "\(request.path) takes \(allowed)", headers: [("Allow", "\(allowed)")])
        }
        let snapshot = gateway.state.current
        switch request.path {
        case "/healthz":
            return AdminResponse(.ok, .object([("status", .string("ok"))]))
        case "/readyz":
            let readiness = await AdminServices.readiness(snapshot)
            return AdminResponse(readiness.ready ? .ok : .serviceUnavailable, readiness.json)
        case "/admin/routes":
            return AdminResponse(.ok, AdminRoutes.json(snapshot.configuration))
        case "/admin/services":
            return AdminResponse(.ok, .object([("services", .array(await AdminServices.json(snapshot)))]))
        case "/metrics":
            guard let metrics = snapshot.metrics else {
                return .error(.notFound, code: "metrics_off", "this gateway keeps no metrics (metrics: off)")
            }
            return AdminResponse(.ok, body: ByteBuffer(bytes: await metrics.render(snapshot)), contentType: "text/plain; version=0.0.4")
        case "/admin/flow":
            return AdminResponse(.ok, AdminFlowView.json(snapshot.flow))
        case "/admin/rules":
            return AdminResponse(.ok, AdminRulesView.json(snapshot.configuration.flowRules))
        case "/":
            return .page(DashboardPage.html, contentType: "text/html; charset=utf-8")
        case "/dashboard.js":
            return .page(DashboardScript.javaScript, contentType: "text/javascript; charset=utf-8")
        case "/admin/config":
            return AdminResponse(
                .ok, AdminConfigView.json(gateway.configuration, ports: gateway.localPorts, admin: settings, running: snapshot.configuration, reloads: gateway.reloadLog))
        default:  // POST /admin/reload
            let record = await gateway.reload(trigger: "admin")
            let json = AdminConfigView.reloadJSON(record)
            return record.succeeded ? AdminResponse(.ok, json) : AdminResponse(.unprocessableEntity, json)
        }
    }

    static let rulesPrefix = "/admin/rules/"

    /// `PUT /admin/rules/<kind>[?file=PATH]`: the body replaces the Sentinel JSON file holding that kind of rules.
    private func changeRules(_ request: AdminRequest, gateway: Gateway) async -> AdminResponse {
        guard request.method == .PUT else {
            return .error(.methodNotAllowed, code: "method_not_allowed", "\(request.path) takes PUT", headers: [("Allow", "PUT")])
        }
        let kind = String(request.path.dropFirst(Self.rulesPrefix.count))
        let file = request.query.split(separator: "&").lazy.compactMap { pair -> String? in
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0] == "file" else { return nil }
            return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }.first
        switch await gateway.replaceRuleFile(kind: kind, file: file, content: Data(request.body.readableBytesView)) {
        case .written(let path, let record):
            return AdminResponse(.ok, .object([("written", .string(path)), ("reload", AdminConfigView.reloadJSON(record))]))
        case .refused(let path, let record):
            return AdminResponse(
                .unprocessableEntity, .object([("written", .null), ("file", .string(path)), ("reload", AdminConfigView.reloadJSON(record))]))
        case .rejected(let status, let code, let message):
            return .error(HTTPResponseStatus(statusCode: status), code: code, message)
        }
    }
}
