public import SluiceProtobuf
public import SluiceClient

/// One HTTP route: a method and path template mapped onto `Service.Method` of a service's IDL.
public struct RouteConfiguration: Sendable, Hashable {
    /// What fills the call's arguments from the request body.
    public enum Body: Sendable, Hashable {
        /// The body is ignored.
        case none
        /// The body is the whole arguments object (`body: "*"`).
        case arguments
        /// The body fills the field at this path (`body: req`).
        case field([String])
        /// The body is ignored, but the struct at this path is sent even when nothing binds into it (a GET
        /// route made from `api.get`, whose request struct is filled from the query).
        case fieldWithoutBody([String])

        /// The transcoder's `bodyTarget`; `nil` when there is none.
        public var target: [String]? {
            switch self {
            case .none: nil
            case .arguments: []
            case .field(let path), .fieldWithoutBody(let path): path
            }
        }

        /// Whether the request body is read at all.
        public var readsBody: Bool {
            switch self {
            case .none, .fieldWithoutBody: false
            case .arguments, .field: true
            }
        }
    }

    /// A query parameter, header or cookie bound to a field path of the arguments.
    public struct Parameter: Sendable, Hashable {
        /// As written; headers compare case-insensitively, query parameters and cookies exactly.
        public var name: String
        public var fieldPath: [String]
        public var origin: ConfigOrigin
        /// `a,b` gives two list elements (`api.query` and `api.header` lists, as the Kitex/Hertz mapping says).
        public var splitsCommas: Bool
        /// The field is `binary`: a multipart file part's bytes go into it as they are.
        public var isBinary: Bool

        public init(name: String, fieldPath: [String], origin: ConfigOrigin, splitsCommas: Bool = false, isBinary: Bool = false) {
            self.name = name
            self.fieldPath = fieldPath
            self.origin = origin
            self.splitsCommas = splitsCommas
            self.isBinary = isBinary
        }
    }

    /// A `string` or `binary` field that receives the request body's bytes as they came.
    public struct RawBody: Sendable, Hashable {
        public var fieldPath: [String]
        public var isBinary: Bool

        public init(fieldPath: [String], isBinary: Bool) {
            self.fieldPath = fieldPath
            self.isBinary = isBinary
        }
    }

    /// How results are written back as JSON.
    public struct Options: Sendable, Hashable {
        /// `void` methods answer `200 {}` instead of `204`.
        public var voidAsEmptyObject: Bool
        /// i64 values beyond ±2^53 are written as JSON strings.
        public var int64AsString: Bool
        /// Enums are written as their names instead of numbers.
        public var enumsAsNames: Bool

        public init(voidAsEmptyObject: Bool = false, int64AsString: Bool = false, enumsAsNames: Bool = false) {
            self.voidAsEmptyObject = voidAsEmptyObject
            self.int64AsString = int64AsString
            self.enumsAsNames = enumsAsNames
        }
    }

    /// Upper-case HTTP method (`GET`, `POST`, ...).
    /// The route's own name (`name:`), which flow-control rules refer to it by.
    public var name: String?
    /// Its flow-control resource: its name, or `"<METHOD> <path template>"`.
    public var resource: String { name ?? "\(method) \(template.text)" }
    /// Its backend method's resource: `<service>:<IDLService>.<method>` (gRPC: `<service>:<full method name>`).
    public var methodResource: String { service + ":" + call }
    public var method: String
    public var template: PathTemplate
    /// The route file's `service:` name.
    public var service: String
    /// `IDLService.method`, as looked up in the service's schema.
    public var call: String
    public var body: Body
    public var query: [Parameter]
    public var headers: [Parameter]
    public var cookies: [Parameter]
    /// Form body keys (`application/x-www-form-urlencoded`, `multipart/form-data`); a route with none takes
    /// only JSON bodies.
    public var form: [Parameter]
    /// The field that receives the raw request body (`api.raw_body`).
    public var rawBody: RawBody?
    /// The `string` field that receives the request's path and query as they came (`api.raw_uri`).
    public var rawURI: [String]?
    /// The route came from `api.*` annotations: JSON keys, `api.none`, `api.js_conv` and the response
    /// annotations (`api.header`, `api.cookie`, `api.http_code`) follow the IDL.
    public var httpAnnotations: Bool
    /// Unknown JSON fields are rejected with 400 instead of ignored.
    public var strict: Bool
    public var options: Options
    /// HTTP status per declared exception, by the exception's type name or its `throws` field name.
    /// Unlisted exceptions answer 500.
    public var exceptionStatus: [String: Int]
    /// Routes to `protocol: http` services: the upstream path built from the path's variables (`rewrite:`);
    /// `nil` sends the request's path as it came.
    public var rewrite: PathRewrite?
    /// Routes to `protocol: http` services: the largest request body streamed upstream (`max_body:`); `nil`
    /// leaves proxied bodies unlimited (`limits.max_body` bounds only bodies the gateway decodes).
    public var maxBody: Int?
    /// Routes to gRPC services: answer with this field of the response instead of the whole message
    /// (`response_body:`, google.api.http's `response_body`).
    public var responseBody: [String]?
    /// Routes to gRPC services whose body is not the whole request: every query parameter not named in
    /// `query` binds the request field it names (`a.b=1`), as google.api.http maps them.
    public var bindsAnyQuery = false
    /// Routes to client-streaming gRPC methods: the body is the request messages, a JSON array or NDJSON
    /// (`application/x-ndjson` is accepted besides JSON).
    public var takesMessageStream = false
    /// Routes to gRPC services: protobuf's JSON mapping options (`options:`; `strict:` sets `strict`).
    public var protobufOptions = ProtobufTranscodeOptions()
    /// The route's own `timeout`, `retry` and `hedge`, each replacing its service's; empty keeps the service's.
    public var callPolicy = CallPolicyOverride()
    /// The route's own edge plugins (`plugins:`), replacing or switching off its service's and the gateway's.
    public var plugins = PluginLayer()
    public var origin: ConfigOrigin

    /// The route's own `jwt_auth.claims`: verified claims filling fields of its call.
    var claimFields: [JWTAuthSettings.ClaimField] {
        guard case .jwtAuth(let settings) = plugins.entries[.jwtAuth] else { return [] }
        return settings.claimFields
    }

    public init(
        method: String,
        template: PathTemplate,
        service: String,
        call: String,
        body: Body = .none,
        query: [Parameter] = [],
        headers: [Parameter] = [],
        cookies: [Parameter] = [],
        form: [Parameter] = [],
        httpAnnotations: Bool = false,
        strict: Bool = false,
        options: Options = Options(),
        exceptionStatus: [String: Int] = [:],
        origin: ConfigOrigin
    ) {
        self.method = method
        self.template = template
        self.service = service
        self.call = call
        self.body = body
        self.query = query
        self.headers = headers
        self.cookies = cookies
        self.form = form
        self.httpAnnotations = httpAnnotations
        self.strict = strict
        self.options = options
        self.exceptionStatus = exceptionStatus
        self.origin = origin
    }
}
