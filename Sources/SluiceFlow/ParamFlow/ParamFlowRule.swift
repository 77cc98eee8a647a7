/// What a hot-parameter rule limits per value (Sentinel's `grade`; raw values are its JSON ints).
public enum ParamFlowGrade: Int, Sendable, Hashable {
    /// Calls in flight per value.
    case thread = 0
    /// Calls per `durationInSec` per value, as a token bucket.
    case qps = 1
}

/// How a QPS hot-parameter rule shapes traffic. Sentinel's checker tells only the rate limiter (2) from
/// everything else, so any other JSON value, warm-up included, means `.reject`.
public enum ParamFlowBehavior: Sendable, Hashable {
    case reject
    /// Uniform pacing: a call waits for its slot if that is less than `maxQueueingTimeMs` away.
    case throttle

    public init(sentinelValue: Int) { self = sentinelValue == 2 ? .throttle : .reject }
}

/// One per-value exception (Sentinel's `ParamFlowItem`): `value` gets its own threshold `count`.
public struct ParamFlowItem: Sendable, Hashable {
    public var value: String
    public var count: Int
    public init(value: String, count: Int) {
        self.value = value
        self.count = count
    }

    /// Sentinel's `ParamFlowRuleUtil.parseHotItems` for one item: the value read as its `classType` (blank
    /// means String), nil (the item is skipped) when it does not parse or its count is missing or negative.
    /// Values reach the engine as text, so a typed value is kept in its canonical text ("007" as int is "7").
    public init?(object: String?, count: Int?, classType: String?) {
        guard let object, let count, count >= 0 else { return nil }
        let canonical: String?
        switch classType ?? "" {
        case "", "String", "java.lang.String": canonical = object
        case "int", "java.lang.Integer": canonical = Int32(object).map(String.init)
        case "long", "java.lang.Long": canonical = Int64(object).map(String.init)
        case "short", "java.lang.Short": canonical = Int16(object).map(String.init)
        case "byte", "java.lang.Byte": canonical = Int8(object).map(String.init)
        case "double", "java.lang.Double", "float", "java.lang.Float": canonical = Double(object).map { "\($0)" }
        case "boolean", "java.lang.Boolean": canonical = object.lowercased() == "true" ? "true" : "false"
        case "char", "java.lang.Character": canonical = object.count == 1 ? object : nil
        default: canonical = nil
        }
        guard let canonical else { return nil }
        self.init(value: canonical, count: count)
    }
}

/// Sentinel's `ParamFlowRule`: a per-value limit on one parameter of a resource. The engine is handed the
/// parameter's value as text; `paramIdx` (the called method's argument, negative from the end) or `paramKey`
/// (a request part the gateway names) tells the gateway which value that is.
public struct ParamFlowRule: Sendable, Hashable {
    public var resource: String
    public var limitApp: String
    public var grade: ParamFlowGrade
    public var paramIdx: Int?
    public var paramKey: String?
    /// The per-value threshold per `durationInSec` (QPS) or in flight (thread); truncated to an integer.
    public var count: Double
    public var behavior: ParamFlowBehavior
    public var maxQueueingTimeMs: Int
    /// Extra tokens a value may spend at once on top of `count` (reject mode).
    public var burstCount: Int
    public var durationInSec: Int
    /// Per-value exceptions.
    public var items: [ParamFlowItem]

    public init(
        resource: String,
        paramIdx: Int? = nil,
        paramKey: String? = nil,
        grade: ParamFlowGrade = .qps,
        count: Double,
        behavior: ParamFlowBehavior = .reject,
        maxQueueingTimeMs: Int = 0,
        burstCount: Int = 0,
        durationInSec: Int = 1,
        items: [ParamFlowItem] = [],
        limitApp: String = "default"
    ) {
        self.resource = resource
        self.paramIdx = paramIdx
        self.paramKey = paramKey
        self.grade = grade
        self.count = count
        self.behavior = behavior
        self.maxQueueingTimeMs = maxQueueingTimeMs
        self.burstCount = burstCount
        self.durationInSec = durationInSec
        self.items = items
        self.limitApp = limitApp
    }

    public typealias ValidationError = RuleValidationError

    /// Sentinel's `ParamFlowRuleUtil.isValidRule`, reporting the first field it rejects.
    public func validate() throws(ValidationError) {
        func fail(_ field: String, _ reason: String) -> ValidationError { ValidationError(field: field, reason: reason) }
        if resource.allSatisfy(\.isWhitespace) { throw fail("resource", "must not be blank") }
        if !(count >= 0) { throw fail("count", "must be >= 0") }
        if paramIdx == nil && paramKey == nil { throw fail("paramIdx", "is required") }
        if burstCount < 0 { throw fail("burstCount", "must be >= 0") }
        if maxQueueingTimeMs < 0 { throw fail("maxQueueingTimeMs", "must be >= 0") }
        if durationInSec <= 0 { throw fail("durationInSec", "must be > 0") }
    }

    /// Sentinel's `ParamFlowSlot.applyRealParamIdx`: a negative index counts from the end of `argumentCount`
    /// arguments; one still negative after that (-100 of 3) becomes positive, out of range, so it always passes.
    public static func realParamIdx(_ paramIdx: Int, argumentCount: Int) -> Int {
        guard paramIdx < 0 else { return paramIdx }
        let real = argumentCount + paramIdx
        return real >= 0 ? real : (paramIdx == .min ? .max : -paramIdx)
    }
}
