/// What a gateway rule's `resource` names (Sentinel's `resourceMode`).
public enum GatewayResourceMode: Int, Sendable, Hashable {
    /// A route's ID (in Sluice, the route's resource name).
    case routeID = 0
    /// An ``ApiDefinition``'s `apiName`: every request whose path the API group matches.
    case customAPIName = 1
}

/// Which part of a request a gateway rule limits per value (Sentinel's `parseStrategy`).
public enum GatewayParseStrategy: Int, Sendable, Hashable {
    case clientIP = 0
    /// The `Host` header.
    case host = 1
    case header = 2
    case urlParam = 3
    case cookie = 4

    /// Header, URL parameter and cookie need a `fieldName`.
    var needsFieldName: Bool { self == .header || self == .urlParam || self == .cookie }
}

/// How a gateway rule's `pattern` selects the values it limits (Sentinel's `matchStrategy`).
public enum GatewayParamMatchStrategy: Int, Sendable, Hashable {
    case exact = 0
    /// Declared by Sentinel but not implemented for parameters: the raw value is limited, as in Sentinel.
    case prefix = 1
    /// A whole-value match (Java's `Matcher.matches`).
    case regex = 2
    case contains = 3
}

/// Sentinel's `GatewayParamFlowItem`: the request part a gateway rule limits per value, and optionally which
/// values (`pattern`); values that do not match pass freely.
public struct GatewayParamFlowItem: Sendable, Hashable {
    public var parseStrategy: GatewayParseStrategy
    public var fieldName: String?
    public var pattern: String?
    public var matchStrategy: GatewayParamMatchStrategy

    public init(
        parseStrategy: GatewayParseStrategy = .clientIP,
        fieldName: String? = nil,
        pattern: String? = nil,
        matchStrategy: GatewayParamMatchStrategy = .exact
    ) {
        self.parseStrategy = parseStrategy
        self.fieldName = fieldName
        self.pattern = pattern
        self.matchStrategy = matchStrategy
    }
}

/// Sentinel's `GatewayFlowRule` (API gateway adapter). Every such rule becomes a ``ParamFlowRule``
/// (``GatewayResourceRules``), so even a plain route limit is a token bucket refilled every `intervalSec`
/// plus `burst`, not a sliding window: that is what Sentinel's gateways do (Sentinel #1002).
public struct GatewayFlowRule: Sendable, Hashable {
    public var resource: String
    public var resourceMode: GatewayResourceMode
    public var grade: ParamFlowGrade
    public var count: Double
    public var intervalSec: Int
    /// Sentinel's checker tells only the rate limiter (2) from the rest (``ParamFlowBehavior/init(sentinelValue:)``).
    public var behavior: ParamFlowBehavior
    public var burst: Int
    public var maxQueueingTimeoutMs: Int
    public var paramItem: GatewayParamFlowItem?

    public init(
        resource: String,
        resourceMode: GatewayResourceMode = .routeID,
        grade: ParamFlowGrade = .qps,
        count: Double,
        intervalSec: Int = 1,
        behavior: ParamFlowBehavior = .reject,
        burst: Int = 0,
        maxQueueingTimeoutMs: Int = 500,
        paramItem: GatewayParamFlowItem? = nil
    ) {
        self.resource = resource
        self.resourceMode = resourceMode
        self.grade = grade
        self.count = count
        self.intervalSec = intervalSec
        self.behavior = behavior
        self.burst = burst
        self.maxQueueingTimeoutMs = maxQueueingTimeoutMs
        self.paramItem = paramItem
    }

    public typealias ValidationError = RuleValidationError

    /// Sentinel's `GatewayRuleManager.isValidRule` (its negative-enum checks fall to the enums' parsing).
    public func validate() throws(ValidationError) {
        func fail(_ field: String, _ reason: String) -> ValidationError { ValidationError(field: field, reason: reason) }
        if resource.allSatisfy(\.isWhitespace) { throw fail("resource", "must not be blank") }
        if !(count >= 0) { throw fail("count", "must be >= 0") }
        if burst < 0 { throw fail("burst", "must be >= 0") }
        if intervalSec <= 0 { throw fail("intervalSec", "must be > 0") }
        if let item = paramItem, item.parseStrategy.needsFieldName,
            (item.fieldName ?? "").allSatisfy(\.isWhitespace)
        {
            throw fail("paramItem.fieldName", "is required to parse a header, URL parameter or cookie")
        }
    }
}
