/// How an API group's path predicate matches a request path (Sentinel's `URL_MATCH_STRATEGY_*`).
public enum ApiUrlMatchStrategy: Int, Sendable, Hashable {
    case exact = 0
    /// An Ant pattern (`/product/**`), as Spring Cloud Gateway's adapter matches it; a pattern without a
    /// wildcard never matches there, so it does not here either.
    case prefix = 1
    /// A whole-path match.
    case regex = 2
}

/// One predicate of an API group (Sentinel's `ApiPredicateItem`).
public enum ApiPredicateItem: Sendable, Hashable {
    case path(pattern: String, matchStrategy: ApiUrlMatchStrategy)
    /// Sentinel's `ApiPredicateGroupItem`: accepted in rule files, but its gateway adapters build no matcher
    /// for it, so it matches nothing.
    case group([ApiPredicateItem])
}

/// Sentinel's `ApiDefinition`: a named group of request paths, a resource that gateway rules in
/// ``GatewayResourceMode/customAPIName`` limit.
public struct ApiDefinition: Sendable, Hashable {
    public var apiName: String
    public var predicateItems: [ApiPredicateItem]

    public init(apiName: String, predicateItems: [ApiPredicateItem]) {
        self.apiName = apiName
        self.predicateItems = predicateItems
    }

    public typealias ValidationError = RuleValidationError

    /// Sentinel's `GatewayApiDefinitionManager.isValidApi` (a missing `predicateItems` is the parser's to
    /// report; an empty list is valid and matches nothing).
    public func validate() throws(ValidationError) {
        if apiName.allSatisfy(\.isWhitespace) { throw ValidationError(field: "apiName", reason: "must not be blank") }
    }
}
