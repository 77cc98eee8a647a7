internal import SluiceFlow

/// `GET /admin/rules`: the running flow-control rules in Alibaba Sentinel's JSON (the Java dialect's field names,
/// which its dashboard and rule files use), by kind, whichever file or route-file section they came from;
/// `sources` names the Sentinel JSON files among them, which `PUT /admin/rules/<kind>` replaces.
enum AdminRulesView {
    static func json(_ rules: FlowRulesConfiguration) -> AdminJSON {
        .object([
            ("flow", .array(rules.flow.map(flow))),
            ("degrade", .array(rules.degrade.map(degrade))),
            ("param_flow", .array(rules.param.map { param($0.rule, source: $0.source) })),
            ("system", .array(rules.system.map(system))),
            ("gateway_flow", .array(rules.gatewayFlow.map(gatewayFlow))),
            ("api_definitions", .array(rules.apiDefinitions.map { .object([("apiName", .string($0.apiName))]) })),
            (
                "sources",
                .array(rules.sentinelFiles.map { .object([("kind", .string($0.kind)), ("path", .string($0.path)), ("dialect", .string($0.dialect.rawValue))]) })
            ),
        ])
    }

    static func flow(_ rule: FlowRule) -> AdminJSON {
        .object([
            ("resource", .string(rule.resource)), ("limitApp", .string(rule.limitApp)), ("grade", .int(rule.grade.rawValue)),
            ("count", .double(rule.count)), ("strategy", .int(rule.strategy.rawValue)),
            ("refResource", .optional(rule.refResource, AdminJSON.string)), ("controlBehavior", .int(rule.behavior.rawValue)),
            ("warmUpPeriodSec", .int(rule.warmUpPeriodSec)), ("maxQueueingTimeMs", .int(rule.maxQueueingTimeMs)),
        ])
    }

    static func degrade(_ rule: DegradeRule) -> AdminJSON {
        .object([
            ("resource", .string(rule.resource)), ("limitApp", .string(rule.limitApp)), ("grade", .int(rule.grade.rawValue)),
            ("count", .double(rule.count)), ("timeWindow", .int(rule.timeWindowSec)), ("minRequestAmount", .int(rule.minRequestAmount)),
            ("slowRatioThreshold", .double(rule.slowRatioThreshold)), ("statIntervalMs", .int(rule.statIntervalMs)),
        ])
    }

    static func param(_ rule: ParamFlowRule, source: ParamSource) -> AdminJSON {
        .object([
            ("resource", .string(rule.resource)), ("limitApp", .string(rule.limitApp)), ("grade", .int(rule.grade.rawValue)),
            ("param", describe(source)), ("count", .double(rule.count)),
            ("controlBehavior", .int(rule.behavior == .throttle ? 2 : 0)), ("maxQueueingTimeMs", .int(rule.maxQueueingTimeMs)),
            ("burstCount", .int(rule.burstCount)), ("durationInSec", .int(rule.durationInSec)),
            ("paramFlowItemList", .array(rule.items.map { .object([("object", .string($0.value)), ("count", .int($0.count))]) })),
        ])
    }

    static func system(_ rule: SystemRule) -> AdminJSON {
        .object([
            ("highestSystemLoad", .optional(rule.highestSystemLoad, AdminJSON.double)),
            ("highestCpuUsage", .optional(rule.highestCpuUsage, AdminJSON.double)), ("qps", .optional(rule.qps, AdminJSON.double)),
            ("avgRt", .optional(rule.avgRt) { .int(Int($0)) }), ("maxThread", .optional(rule.maxThread) { .int(Int($0)) }),
        ])
    }

    static func gatewayFlow(_ rule: GatewayFlowRule) -> AdminJSON {
        var fields: [(String, AdminJSON)] = [
            ("resource", .string(rule.resource)), ("resourceMode", .int(rule.resourceMode.rawValue)), ("grade", .int(rule.grade.rawValue)),
            ("count", .double(rule.count)), ("intervalSec", .int(rule.intervalSec)),
            ("controlBehavior", .int(rule.behavior == .throttle ? 2 : 0)), ("burst", .int(rule.burst)),
            ("maxQueueingTimeoutMs", .int(rule.maxQueueingTimeoutMs)),
        ]
        if let item = rule.paramItem {
            fields.append((
                "paramItem",
                .object([
                    ("parseStrategy", .int(item.parseStrategy.rawValue)), ("fieldName", .optional(item.fieldName, AdminJSON.string)),
                    ("pattern", .optional(item.pattern, AdminJSON.string)), ("matchStrategy", .int(item.matchStrategy.rawValue)),
                ])
            ))
        }
        return .object(fields)
    }

    /// Where a hot-parameter rule reads its value, as a route file's `param:` names it (`{"header": "x-user"}`);
    /// a Sentinel file's `paramIdx` as `{"arg": 0}`.
    static func describe(_ source: ParamSource) -> AdminJSON {
        switch source {
        case .clientIP: .object([("client_ip", .bool(true))])
        case .header(let name): .object([("header", .string(name))])
        case .query(let name): .object([("query", .string(name))])
        case .cookie(let name): .object([("cookie", .string(name))])
        case .pathParam(let name): .object([("path", .string(name))])
        case .field(let path): .object([("field", .string(path.joined(separator: ".")))])
        case .argument(let index): .object([("arg", .int(index))])
        }
    }
}
