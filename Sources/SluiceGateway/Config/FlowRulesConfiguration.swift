public import SluiceFlow

/// The flow-control rules of every route file together (YAML sections `flow`, `circuit_breakers`,
/// `param_flow`, `system`, and the Sentinel JSON files named under `sentinel:`), as SluiceFlow's rule values
/// plus what only the gateway knows: where a rule's origin and parameter values come from in a request, and
/// which call outcomes count as errors. The runtime loads it into one long-lived ``FlowEngine``.
public struct FlowRulesConfiguration: Sendable, Hashable {
    public var flow: [FlowRule] = []
    public var degrade: [DegradeRule] = []
    public var param: [ParamRuleConfiguration] = []
    public var system: [SystemRule] = []
    public var gatewayFlow: [GatewayFlowRule] = []
    public var apiDefinitions: [ApiDefinition] = []
    /// The Sentinel JSON files the route files name: watched for changes, as the route files are, and where
    /// `PUT /admin/rules/<kind>` writes.
    public var sentinelFiles: [SentinelRuleFileSource] = []
    public var ruleFiles: [String] { sentinelFiles.map(\.path) }
    /// Where each resource's origin (what `limitApp` names) is read; a resource not listed reads
    /// ``OriginSource/default``.
    public var origins: [String: OriginSource] = [:]
    /// Per resource, call outcomes that count as errors (for breakers and the exception statistics) besides
    /// the defaults (transport failures, timeouts, TApplicationException, gRPC's server-side failures, 5xx).
    public var errorOutcomes: [String: Set<OutcomeMatch>] = [:]

    public init() {}

    public var isEmpty: Bool {
        flow.isEmpty && degrade.isEmpty && param.isEmpty && system.isEmpty && gatewayFlow.isEmpty
    }
}

/// A Sentinel JSON file a route file names under `sentinel:`: its rule kind (`flow`, `degrade`, `param_flow`,
/// `system`, `gateway_flow`, `api_definitions`), path and dialect.
public struct SentinelRuleFileSource: Sendable, Hashable {
    public var kind: String
    public var path: String
    public var dialect: SentinelDialect

    public init(kind: String, path: String, dialect: SentinelDialect) {
        self.kind = kind
        self.path = path
        self.dialect = dialect
    }
}

/// Where a request's origin comes from.
public enum OriginSource: Sendable, Hashable {
    case header(String)
    case clientIP

    /// Sluice's default: the `x-sentinel-origin` header.
    public static let `default` = OriginSource.header("x-sentinel-origin")
}

/// One hot-parameter rule and the request part whose value it limits. The rule's `paramIdx` is
/// rewritten by the runtime (it indexes the resource's list of sources), so only `source` says what is read.
public struct ParamRuleConfiguration: Sendable, Hashable {
    public var rule: ParamFlowRule
    public var source: ParamSource

    public init(rule: ParamFlowRule, source: ParamSource) {
        self.rule = rule
        self.source = source
    }
}

/// A request part a hot-parameter rule limits per value.
public enum ParamSource: Sendable, Hashable {
    case clientIP
    case header(String)
    case query(String)
    case cookie(String)
    /// A path template variable by its name as written in the template (`{req.name}` → `req.name`).
    case pathParam(String)
    /// A bound or body field of the call's arguments, as a dotted path (`req.user_id`).
    case field([String])
    /// The called method's i-th argument (Sentinel JSON's `paramIdx`; negative counts from the end).
    case argument(Int)
}

/// A call outcome a breaker counts as an error, as written in `errors:` (`exception:Busy`,
/// `grpc:RESOURCE_EXHAUSTED`, `http:429`).
public enum OutcomeMatch: Sendable, Hashable {
    /// A declared Thrift exception by its IDL name.
    case exception(String)
    /// A gRPC status code by number.
    case grpc(Int)
    /// An HTTP upstream's status.
    case http(Int)
}
