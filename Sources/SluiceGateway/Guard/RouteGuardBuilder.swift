internal import SluiceFlow

/// Loads a configuration's flow-control rules into the engine and gives each route its ``RouteGuard``, or
/// none when no rule can touch its calls.
struct RouteGuardBuilder {
    let rules: FlowRulesConfiguration
    let runtime: FlowRuntime
    /// Each resource's parameter sources, in the order its rewritten rules index them.
    private var sources: [String: [ParamSource]] = [:]
    /// Every resource some rule names or reads (`refResource`): only these are entered.
    private var watched: Set<String> = []
    private var gatewayRules: [String: [GatewayFlowRule]] = [:]
    private var apiMatchers: [ApiPathMatcher] = []
    /// Resources with a flow rule for a named origin or "other": their calls read the origin.
    private var originNamed: Set<String> = []

    /// Loads `rules` for routes whose method resources are `methodResources` (created outbound first, so
    /// system rules never hold them back). The rules were validated when the configuration loaded, so the
    /// engine drops none.
    init(rules: FlowRulesConfiguration, runtime: FlowRuntime, methodResources: [String]) {
        self.rules = rules
        self.runtime = runtime
        for name in methodResources { _ = runtime.engine.resource(name, inbound: false) }
        var params: [ParamFlowRule] = []
        for configured in rules.param {
            var rule = configured.rule
            var list = sources[rule.resource, default: []]
            rule.paramIdx = list.firstIndex(of: configured.source) ?? list.count
            rule.paramKey = nil
            if rule.paramIdx == list.count { list.append(configured.source) }
            sources[rule.resource] = list
            params.append(rule)
        }
        runtime.engine.load(FlowRuleSet(flow: rules.flow, degrade: rules.degrade, param: params, system: rules.system))
        for rule in rules.gatewayFlow { gatewayRules[rule.resource, default: []].append(rule) }
        runtime.keepGatewayCheckers(Set(gatewayRules.keys))
        watched.formUnion(rules.flow.map(\.resource))
        watched.formUnion(rules.flow.compactMap(\.refResource))
        watched.formUnion(rules.degrade.map(\.resource))
        watched.formUnion(params.map(\.resource))
        watched.formUnion(gatewayRules.keys)
        originNamed = Set(rules.flow.filter { $0.limitApp != FlowRule.defaultLimitApp }.map(\.resource))
        apiMatchers = rules.apiDefinitions.filter { watched.contains($0.apiName) }.map(ApiPathMatcher.init)
    }

    /// The guard of a route, or nil when none of its resources is watched and no system rule applies.
    /// `call` is nil for a route to an HTTP upstream (no method resource, no arguments) and for a gRPC method
    /// passed through (`entersMethod`: a method resource, but no arguments the gateway reads).
    func guardFor(_ route: RouteConfiguration, call: RouteCall?, entersMethod passesThrough: Bool = false) -> RouteGuard? {
        let routeName = route.resource
        let methodName = route.methodResource
        let entersRoute = watched.contains(routeName) || !rules.system.isEmpty
        let entersMethod = (call != nil || passesThrough) && watched.contains(methodName)
        guard entersRoute || entersMethod || !apiMatchers.isEmpty else { return nil }
        let arguments = call?.argumentNames ?? []
        func resource(_ name: String, inbound: Bool, mode: GatewayResourceMode) -> RouteGuard.Resource {
            let readers = (sources[name] ?? []).map { Self.reader(for: $0, arguments: arguments) }
            let gateway = gatewayRules[name].map { list in
                let checker = runtime.gatewayChecker(name, rules: list)
                return RouteGuard.GatewayRules(rules: checker.rules, checker: checker, mode: mode)
            }
            var errors = OutcomeCounting()
            for match in rules.errorOutcomes[name] ?? [] {
                switch match {
                case .exception(let exception):
                    errors.exceptionFieldIDs.formUnion(call?.exceptionFieldIDs(named: [exception]) ?? [])
                case .grpc(let code): errors.grpcCodes.insert(code)
                case .http(let status): errors.httpStatuses.insert(status)
                }
            }
            return RouteGuard.Resource(
                resource: runtime.engine.resource(name, inbound: inbound), readers: readers, gateway: gateway, errors: errors)
        }
        let namesOrigin = originNamed.contains(routeName) || originNamed.contains(methodName)
        return RouteGuard(
            engine: runtime.engine,
            clock: runtime.clock,
            route: entersRoute ? resource(routeName, inbound: true, mode: .routeID) : nil,
            apiGroups: apiMatchers.map { RouteGuard.ApiGroup(matcher: $0, resource: resource($0.apiName, inbound: true, mode: .customAPIName)) },
            method: entersMethod ? resource(methodName, inbound: false, mode: .routeID) : nil,
            origin: namesOrigin ? rules.origins[routeName] ?? rules.origins[methodName] ?? .default : nil,
            routeName: routeName
        )
    }

    static func reader(for source: ParamSource, arguments: [String]) -> ParamReader {
        switch source {
        case .clientIP: return .clientIP
        case .header(let name): return .header(name)
        case .query(let name): return .query(name)
        case .cookie(let name): return .cookie(name)
        case .pathParam(let variable): return .field(variable.split(separator: ".").map(String.init))
        case .field(let path): return .field(path)
        case .argument(let index):
            let real = ParamFlowRule.realParamIdx(index, argumentCount: arguments.count)
            return real >= 0 && real < arguments.count ? .field([arguments[real]]) : .absent
        }
    }
}
