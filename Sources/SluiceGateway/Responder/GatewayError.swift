public import NIOCore
internal import SluiceJSON

/// A failure the gateway answers itself, mapped to a status and a JSON body
/// `{"error":{"code":"<code>","message":"...","field":"$.path"?,"offset":N?}}`.
///
/// Every gateway-made error goes through ``response(allocator:)``, so the wire shape lives in one place.
public struct GatewayError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public let status: Int

        private init(_ name: String, _ status: Int) {
            self.name = name
            self.status = status
        }

        public static let badRequest = Code("bad_request", 400)
        /// A value bound from the path, query, a header or a cookie is unusable.
        public static let invalidArgument = Code("invalid_argument", 400)
        // Request bodies that do not fit the method's arguments, one code per transcode error kind.
        public static let invalidJSON = Code("invalid_json", 400)
        public static let wrongType = Code("wrong_type", 400)
        public static let missingRequiredField = Code("missing_required_field", 400)
        public static let outOfRange = Code("out_of_range", 400)
        public static let invalidUnion = Code("invalid_union", 400)
        public static let unknownField = Code("unknown_field", 400)
        public static let tooDeep = Code("too_deep", 400)
        public static let invalidValue = Code("invalid_value", 400)
        /// Missing or bad credentials (an edge plugin's refusal, with `WWW-Authenticate`).
        public static let unauthorized = Code("unauthorized", 401)
        /// Credentials or a client an edge plugin does not let use the route.
        public static let forbidden = Code("forbidden", 403)
        public static let routeNotFound = Code("route_not_found", 404)
        public static let methodNotAllowed = Code("method_not_allowed", 405)
        /// A request head not complete within `limits.header_timeout`.
        public static let requestTimeout = Code("request_timeout", 408)
        public static let payloadTooLarge = Code("payload_too_large", 413)
        /// A body whose `Content-Type` the route does not read.
        public static let unsupportedMediaType = Code("unsupported_media_type", 415)
        /// A WebSocket upgrade asking for a version other than 13 (RFC 6455 §4.4).
        public static let upgradeRequired = Code("upgrade_required", 426)
        /// A request line plus headers larger than `limits.max_header_bytes`.
        public static let headerFieldsTooLarge = Code("header_fields_too_large", 431)
        /// Held back by a flow, hot-parameter, system or gateway rule.
        public static let flowBlocked = Code("flow_blocked", 429)
        public static let internalError = Code("internal_error", 500)
        /// A request the gateway understands but does not serve.
        public static let notImplemented = Code("not_implemented", 501)
        public static let badGateway = Code("bad_gateway", 502)
        public static let applicationException = Code("application_exception", 502)
        public static let unavailable = Code("unavailable", 503)
        /// A circuit breaker on the route or its method is open.
        public static let circuitOpen = Code("circuit_open", 503)
        public static let gatewayTimeout = Code("gateway_timeout", 504)

        public var description: String { name }
    }

    public var code: Code
    public var message: String
    /// JSON path of the offending field (`$.req.name`), for transcode errors.
    public var field: String?
    /// Byte offset in the request body, for JSON syntax errors.
    public var offset: Int?
    /// A `TApplicationException`'s type.
    public var applicationExceptionType: Int32?
    /// `Allow` for 405.
    public var allow: [String]
    /// The kind of rule that blocked the call (`flow`, `param_flow`, `system`, `gateway`, `circuit_breaker`).
    public var rule: String?
    /// The flow-control resource whose rule blocked the call.
    public var resource: String?
    /// `Retry-After` in seconds (an open breaker's time to its next probe).
    public var retryAfter: Int?
    /// The edge plugin that refused the request (`key_auth`, `cors`, ...).
    public var plugin: String? { refusal?.plugin }
    /// `WWW-Authenticate` for a 401.
    public var challenge: String? { refusal?.challenge }
    /// Boxed: a `GatewayError` travels in the `Result`s and typed throws of every request's path, where each
    /// byte it grows is copied on success too.
    private var refusal: PluginRefusal?

    private final class PluginRefusal: Sendable, Hashable {
        let plugin: String
        let challenge: String?

        init(plugin: String, challenge: String?) {
            self.plugin = plugin
            self.challenge = challenge
        }

        static func == (lhs: PluginRefusal, rhs: PluginRefusal) -> Bool { lhs.plugin == rhs.plugin && lhs.challenge == rhs.challenge }

        func hash(into hasher: inout Hasher) {
            hasher.combine(plugin)
            hasher.combine(challenge)
        }
    }

    public init(
        _ code: Code,
        _ message: String,
        field: String? = nil,
        offset: Int? = nil,
        applicationExceptionType: Int32? = nil,
        allow: [String] = []
    ) {
        self.code = code
        self.message = message
        self.field = field
        self.offset = offset
        self.applicationExceptionType = applicationExceptionType
        self.allow = allow
    }

    /// A call a flow-control rule held back.
    init(_ code: Code, _ message: String, rule: String, resource: String, retryAfter: Int? = nil) {
        self.init(code, message)
        self.rule = rule
        self.resource = resource
        self.retryAfter = retryAfter
    }

    /// A request an edge plugin refused.
    init(_ code: Code, _ message: String, plugin: PluginName, challenge: String? = nil) {
        self.init(code, message)
        self.refusal = PluginRefusal(plugin: plugin.rawValue, challenge: challenge)
    }

    public var description: String { "\(code.status) \(code.name): \(message)" }

    public func response(allocator: ByteBufferAllocator) -> GatewayResponse {
        var json = JSONWriter(buffer: allocator.buffer(capacity: 64 + message.utf8.count))
        json.beginObject()
        json.key("error")
        json.beginObject()
        json.key("code")
        json.string(code.name)
        if let rule {
            json.key("rule")
            json.string(rule)
        }
        if let plugin {
            json.key("plugin")
            json.string(plugin)
        }
        if let resource {
            json.key("resource")
            json.string(resource)
        }
        if let applicationExceptionType {
            json.key("type")
            json.int(applicationExceptionType)
        }
        json.key("message")
        json.string(message)
        if let field {
            json.key("field")
            json.string(field)
        }
        if let offset {
            json.key("offset")
            json.int(offset)
        }
        json.endObject()
        json.endObject()
        var headers = allow.isEmpty ? [] : [(name: "allow", value: allow.joined(separator: ", "))]
        if let retryAfter { headers.append((name: "retry-after", value: String(retryAfter))) }
        if let challenge { headers.append((name: "www-authenticate", value: challenge)) }
        var response = GatewayResponse(status: code.status, headers: headers, body: json.buffer)
        response.blockedBy = rule ?? plugin
        response.failure = .gateway(code: code.name, message: message)
        return response
    }
}
