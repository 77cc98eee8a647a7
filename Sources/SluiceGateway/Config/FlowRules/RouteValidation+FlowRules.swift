internal import SluiceFlow
internal import SluiceProtobuf

extension RouteValidation {
    /// Gathers every file's flow-control rules and the Sentinel files they name into ``flowRules``, then checks
    /// what needs them all: each YAML rule's resource is a route, a method or an API group, path variables,
    /// argument fields and exceptions exist, and no two rules on one resource read its origin from different places.
    mutating func addFlowRules(of files: [RouteFile]) {
        var rules = FlowRulesConfiguration()
        var loaded: Set<String> = []
        for file in files {
            let draft = file.flowRules.rules
            rules.flow += draft.flow
            rules.degrade += draft.degrade
            rules.param += draft.param
            rules.system += draft.system
            for (resource, outcomes) in draft.errorOutcomes { rules.errorOutcomes[resource, default: []].formUnion(outcomes) }
            // A file two route files name is still one set of rules.
            for reference in file.flowRules.sentinelFiles where loaded.insert("\(reference.kind) \(reference.path)").inserted {
                rules.sentinelFiles.append(SentinelRuleFileSource(kind: reference.kind.rawValue, path: reference.path, dialect: reference.dialect))
                loadSentinelFile(reference, into: &rules)
            }
        }
        let resources = knownResources(apiNames: rules.apiDefinitions.map(\.apiName))
        for file in files {
            for reference in file.flowRules.resources where !resources.contains(reference.name) {
                report(reference.origin.diagnostic(Self.unknownResource(reference.name, among: resources)))
            }
            for reference in file.flowRules.pathVariables { checkPathVariable(reference) }
            for reference in file.flowRules.exceptions { checkException(reference) }
            for reference in file.flowRules.argumentFields { checkArgumentField(reference) }
        }
        rules.origins = settleOrigins(files.flatMap(\.flowRules.originClaims))
        flowRules = rules
    }

    /// Route resources (`name:` or `METHOD /template`), method resources (`service:call`) and API group names.
    private func knownResources(apiNames: [String]) -> Set<String> {
        var names = Set(apiNames)
        for route in routes {
            names.insert(route.resource)
            // Routes to `protocol: http` services call no method.
            if !route.call.isEmpty { names.insert(route.service + ":" + route.call) }
        }
        // gRPC methods passed through unchanged, routed or not.
        for (service, idl) in protobufIDLs {
            for method in idl.schema.methods.values { names.insert(service + ":" + method.fullName) }
        }
        return names
    }

    static func unknownResource(_ name: String, among known: Set<String>) -> String {
        let message = "no route or method is the resource '\(name)'"
        return nearest(to: name, among: known).map { "\(message) (did you mean '\($0)'?)" } ?? message
    }

    /// A `param: {path: name}` must name a template variable of the route the rule's resource is, or, for a
    /// method, of at least one route calling it (routes without it pass that rule: a missing value passes).
    private mutating func checkPathVariable(_ reference: FlowRulesDraft.PathVariableReference) {
        var matching = routes.filter { $0.resource == reference.resource }
        if matching.isEmpty { matching = routes.filter { $0.service + ":" + $0.call == reference.resource } }
        guard !matching.isEmpty, !matching.contains(where: { route in route.template.variables.contains { $0.name == reference.variable } })
        else { return }
        let names = Set(matching.flatMap { $0.template.variables.map(\.name) }).sorted()
        let list = names.isEmpty ? "none" : names.joined(separator: ", ")
        let what = matching.count == 1
            ? "route \(matching[0].method) \(matching[0].template.text) has" : "the routes calling \(reference.resource) have"
        report(reference.origin.diagnostic("\(what) no path variable '\(reference.variable)' (variables: \(list))"))
    }

    /// One origin source per resource; a rule naming another one than an earlier rule is an error at it.
    private mutating func settleOrigins(_ claims: [FlowRulesDraft.OriginClaim]) -> [String: OriginSource] {
        var settled: [String: FlowRulesDraft.OriginClaim] = [:]
        for claim in claims {
            guard let first = settled[claim.resource] else {
                settled[claim.resource] = claim
                continue
            }
            if first.source != claim.source {
                let here = Self.describe(claim.source), there = Self.describe(first.source)
                report(claim.origin.diagnostic(
                    "rules on '\(claim.resource)' read the origin from \(here) here but from \(there) at \(first.origin); one resource has one origin"))
            }
        }
        return settled.mapValues(\.source)
    }

    private static func describe(_ source: OriginSource) -> String {
        switch source {
        case .header(let name): "header '\(name)'"
        case .clientIP: "the client IP"
        }
    }
}
