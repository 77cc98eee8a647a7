/// Sentinel's `FlowRule` (Java 1.8 fields and defaults), Swift-shaped: enums for grade, strategy and behaviour,
/// durations in ms or s as Sentinel names them. Cluster mode and regex resources are not supported here.
public struct FlowRule: Sendable, Hashable {
    /// What `count` limits: passes per second, or entries in flight (Sentinel's "thread" grade).
    public enum Grade: Int, Sendable, Hashable {
        case concurrency = 0
        case qps = 1
    }

    /// Whose statistics the rule reads (Sentinel's `strategy`).
    public enum Strategy: Int, Sendable, Hashable {
        /// This resource's own (all origins, or the matching origin's).
        case direct = 0
        /// `refResource`'s: limit this resource when the related one is busy.
        case relate = 1
        /// This resource's, counted only for calls entered through `refResource` (the entry route).
        case chain = 2
    }

    /// What happens over the limit (Sentinel's `controlBehavior`).
    public enum Behavior: Int, Sendable, Hashable {
        case reject = 0
        case warmUp = 1
        /// Uniform pacing: a call waits for its slot, up to `maxQueueingTimeMs`.
        case throttle = 2
        case warmUpThrottle = 3
    }

    /// `limitApp` values with a meaning of their own.
    public static let defaultLimitApp = "default"
    public static let otherLimitApp = "other"
    /// Sentinel's `SentinelConfig.DEFAULT_COLD_FACTOR`.
    public static let defaultColdFactor = 3

    public var resource: String
    /// `"default"` (every origin together), `"other"` (each origin no rule names) or one origin.
    public var limitApp: String
    public var grade: Grade
    public var count: Double
    public var strategy: Strategy
    public var refResource: String?
    public var behavior: Behavior
    public var warmUpPeriodSec: Int
    public var maxQueueingTimeMs: Int
    /// Global in Java; per rule here. Values of 1 or less mean the default, 3, as Sentinel's property does.
    public var coldFactor: Int
    /// Java by default; Go changes throttling only (see ``FlowDialect``).
    public var dialect: FlowDialect

    public init(
        resource: String,
        limitApp: String = FlowRule.defaultLimitApp,
        grade: Grade = .qps,
        count: Double,
        strategy: Strategy = .direct,
        refResource: String? = nil,
        behavior: Behavior = .reject,
        warmUpPeriodSec: Int = 10,
        maxQueueingTimeMs: Int = 500,
        coldFactor: Int = FlowRule.defaultColdFactor,
        dialect: FlowDialect = .java
    ) {
        self.resource = resource
        self.limitApp = limitApp.allSatisfy(\.isWhitespace) ? FlowRule.defaultLimitApp : limitApp
        self.grade = grade
        self.count = count
        self.strategy = strategy
        self.refResource = refResource
        self.behavior = behavior
        self.warmUpPeriodSec = warmUpPeriodSec
        self.maxQueueingTimeMs = maxQueueingTimeMs
        self.coldFactor = coldFactor
        self.dialect = dialect
    }

    /// The cold factor warm-up uses.
    public var effectiveColdFactor: Int { coldFactor > 1 ? coldFactor : FlowRule.defaultColdFactor }
}

extension FlowRule {
    /// Throws the first reason Sentinel would drop the rule for. As in Sentinel, a concurrency-grade rule's
    /// strategy and behaviour fields are not checked (it always gets the default controller).
    public func validate() throws(RuleValidationError) {
        func fail(_ field: String, _ reason: String) -> RuleValidationError { RuleValidationError(field: field, reason: reason) }
        if resource.allSatisfy(\.isWhitespace) { throw fail("resource", "must not be blank") }
        if !(count >= 0) { throw fail("count", "must be >= 0") }
        guard grade == .qps else { return }
        if strategy != .direct, refResource?.allSatisfy(\.isWhitespace) ?? true {
            throw fail("refResource", "is required by this strategy")
        }
        switch behavior {
        case .reject:
            break
        case .warmUp:
            if warmUpPeriodSec <= 0 { throw fail("warmUpPeriodSec", "must be > 0 for warm-up") }
        case .throttle:
            // Go takes 0 to mean "pace only, never queue".
            let least = dialect == .go ? 0 : 1
            if maxQueueingTimeMs < least { throw fail("maxQueueingTimeMs", "must be > 0 for throttling") }
        case .warmUpThrottle:
            if warmUpPeriodSec <= 0 { throw fail("warmUpPeriodSec", "must be > 0 for warm-up") }
            if maxQueueingTimeMs <= 0 { throw fail("maxQueueingTimeMs", "must be > 0 for throttling") }
        }
    }

    /// Orders one resource's rules as Sentinel's `FlowRuleComparator` does: rules for `"default"` last, the
    /// others (one origin or `"other"`) first, each group in the given order.
    public static func checkingOrder(_ rules: [FlowRule]) -> [FlowRule] {
        rules.filter { $0.limitApp != defaultLimitApp } + rules.filter { $0.limitApp == defaultLimitApp }
    }
}
