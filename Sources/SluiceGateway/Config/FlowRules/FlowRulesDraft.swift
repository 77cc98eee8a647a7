internal import SluiceFlow

/// A route file's flow-control sections: its YAML rules, each parsed and checked on its own, and what only all
/// files together can check (which resources exist, where a resource's origin is read, the Sentinel files'
/// rules), kept with positions for ``RouteValidation``.
struct FlowRulesDraft: Sendable {
    /// A name a rule gives as `resource:` or `ref_resource:`: a route, a method or an API group.
    struct ResourceReference: Sendable {
        var name: String
        var origin: ConfigOrigin
    }

    /// Where a flow rule (or its file's `flow_origin:`) says a resource's origin is read.
    struct OriginClaim: Sendable {
        var resource: String
        var source: OriginSource
        var origin: ConfigOrigin
    }

    /// A hot-parameter rule's `param: {path: name}`: the resource's routes must have that template variable.
    struct PathVariableReference: Sendable {
        var resource: String
        var variable: String
        var origin: ConfigOrigin
    }

    /// A circuit breaker's `exception:<name>`: some Thrift method the resource calls must declare it.
    struct ExceptionReference: Sendable {
        var resource: String
        var name: String
        var origin: ConfigOrigin
    }

    /// A hot-parameter rule's `param: {field: a.b}`: a field path of the arguments of a method the resource calls.
    struct ArgumentFieldReference: Sendable {
        var resource: String
        var path: [String]
        var origin: ConfigOrigin
    }

    /// The YAML rules (no origins: those are settled from ``originClaims`` across files).
    var rules = FlowRulesConfiguration()
    var resources: [ResourceReference] = []
    var originClaims: [OriginClaim] = []
    var pathVariables: [PathVariableReference] = []
    var exceptions: [ExceptionReference] = []
    var argumentFields: [ArgumentFieldReference] = []
    var sentinelFiles: [SentinelFileReference] = []
}

/// One Sentinel JSON rule file a route file names under `sentinel:`.
struct SentinelFileReference: Sendable {
    /// The `sentinel:` key, which says the file's rule type.
    enum Kind: String, Sendable, CaseIterable {
        case flow
        case degrade
        case paramFlow = "param_flow"
        case system
        case gatewayFlow = "gateway_flow"
        case apiDefinitions = "api_definitions"
    }

    var kind: Kind
    /// Resolved against the route file's directory.
    var path: String
    var dialect: SentinelDialect
    /// Where the path is written, for a file that cannot be read.
    var origin: ConfigOrigin
}
