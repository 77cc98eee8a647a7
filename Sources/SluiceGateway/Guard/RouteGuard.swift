internal import NIOCore
internal import SluiceFlow
internal import SluiceJSON

/// The flow-control step of one route: the resources its calls enter, in Sentinel's gateway order (the
/// route, then each API group its path belongs to, then the backend method), each checked by the shared
/// ``FlowEngine``, plus the route's gateway rules. Built with the snapshot; a route no rule touches has none,
/// so its requests pay nothing.
///
/// Runs on the request's event loop; the engine's short per-node locks are all it takes.
final class RouteGuard: Sendable {
    /// One resource the route's calls enter (a class: a call binds it without copying its tables).
    final class Resource: Sendable {
        let resource: FlowResource
        /// The resource's rules as the engine loaded them for this guard's snapshot: admits take no lock to
        /// find them, and a configuration that fails to build after loading never reaches running routes.
        let rules: ResourceRules
        /// The resource's parameter list as this route reads it (hot-parameter rules index it).
        let readers: [ParamReader]
        /// The resource's gateway rules, converted to parameter rules.
        let gateway: GatewayRules?
        let errors: OutcomeCounting

        init(resource: FlowResource, readers: [ParamReader], gateway: GatewayRules?, errors: OutcomeCounting) {
            self.resource = resource
            self.rules = resource.snapshot
            self.readers = readers
            self.gateway = gateway
            self.errors = errors
        }
    }

    struct GatewayRules: Sendable {
        let rules: GatewayResourceRules
        let checker: GatewayFlowChecker
        let mode: GatewayResourceMode
    }

    struct ApiGroup: Sendable {
        let matcher: ApiPathMatcher
        let resource: Resource
    }

    let engine: FlowEngine
    let clock: any FlowClock
    /// The route's own resource; nil when no rule watches it (and no system rule applies).
    let route: Resource?
    let apiGroups: [ApiGroup]
    let method: Resource?
    /// Where the origin comes from, when some rule of these resources names one (`limitApp`).
    let origin: OriginSource?
    /// What CHAIN rules on the method name as its entry route.
    let routeName: String

    init(engine: FlowEngine, clock: any FlowClock, route: Resource?, apiGroups: [ApiGroup], method: Resource?, origin: OriginSource?, routeName: String) {
        self.engine = engine
        self.clock = clock
        self.route = route
        self.apiGroups = apiGroups
        self.method = method
        self.origin = origin
        self.routeName = routeName
    }

    /// The engine's time now.
    func now() -> Int64 { clock.nowMillis() }

    func admit(_ request: GatewayRequest, input: CallInput, now: Int64) -> GuardDecision {
        admit(FlowRequestItems(request), path: request.path, input: input, now: now)
    }

    /// Admits a call whose request parts are `items` and whose raw path is `path` (API groups match it).
    func admit(_ items: FlowRequestItems, path rawPath: Substring, input: CallInput?, now: Int64) -> GuardDecision {
        let originName: String
        switch origin {
        case nil: originName = ""
        case .header(let name)?: originName = items.header(name) ?? ""
        case .clientIP?: originName = items.remoteAddress ?? ""
        }
        var held = GuardTicket.Held()
        var waited: Int64 = 0
        do throws(GatewayError) {
            if let route {
                held.route = try enter(route, items, input, origin: originName, entryRoute: "", &held, &waited, now: now)
            }
            if !apiGroups.isEmpty {
                let path = String(rawPath)
                for (index, group) in apiGroups.enumerated() where group.matcher.matches(path: path) {
                    let entry = try enter(group.resource, items, input, origin: originName, entryRoute: "", &held, &waited, now: now)
                    held.groups.append(GuardTicket.GroupEntry(index: index, entry: entry))
                }
            }
            if let method {
                held.method = try enter(method, items, input, origin: originName, entryRoute: routeName, &held, &waited, now: now)
            }
        } catch {
            return .reject(error)
        }
        let ticket = GuardTicket(admittedAt: now, held)
        return waited > 0 ? .delay(.milliseconds(waited), ticket) : .admit(ticket)
    }

    /// Enters one resource; on a block, lets go of what the call entered before and throws the answer. The
    /// resource's gateway rules are the engine's gate: checked after the system rules, as in Sentinel.
    @inline(never)  // one copy for the route, its API groups and its method: admit's code stays small
    private func enter(
        _ entered: Resource, _ items: FlowRequestItems, _ input: CallInput?, origin: String, entryRoute: String,
        _ ticket: inout GuardTicket.Held, _ waited: inout Int64, now: Int64
    ) throws(GatewayError) -> FlowEntry {
        let readers = entered.readers
        let gateway = entered.gateway
        var gatewayHeld: GuardTicket.GatewayHeld?
        let admission = engine.admit(
            entered.resource, rules: entered.rules, origin: origin, entryRoute: entryRoute, parameterCount: readers.count,
            parameter: { readers[$0].read(items, input: input) },
            gate: { at in
                guard let gateway else { return .pass }
                let parameters = gateway.rules.parameters(for: items, mode: gateway.mode)
                let decision = gateway.checker.check(parameters, now: at)
                if decision.passed { gatewayHeld = GuardTicket.GatewayHeld(checker: gateway.checker, parameters: parameters) }
                switch decision {
                case .pass: return .pass
                case .wait(let millis): return .wait(millis)
                case .block: return .block
                }
            },
            now: now + waited)
        switch consume admission {  // consumed: its entry moves to the caller without a copy
        case .pass(let entry):
            if let gatewayHeld { ticket.gatewayHeld.append(gatewayHeld) }
            return entry
        case .wait(let millis, let entry):
            if let gatewayHeld { ticket.gatewayHeld.append(gatewayHeld) }
            waited += millis
            return entry
        case .block(let block):
            gatewayHeld.map { $0.checker.complete($0.parameters) }
            abandon(ticket, now: now)
            throw FlowBlockAnswer.error(for: block, resource: entered.resource.name, now: now + waited)
        }
    }

    private func abandon(_ ticket: GuardTicket.Held, now: Int64) {
        if let entry = ticket.route { engine.abandon(entry, now: now) }
        for group in ticket.groups { engine.abandon(group.entry, now: now) }
        if let entry = ticket.method { engine.abandon(entry, now: now) }
        for held in ticket.gatewayHeld { held.checker.complete(held.parameters) }
    }

    /// Records how an admitted call ended; its RT runs from its admission, so a paced call's wait is in it.
    func complete(_ ticket: GuardTicket, outcome: GuardOutcome, now: Int64) {
        let rt = max(0, now - ticket.admittedAt)
        if let entry = ticket.route, let route {
            engine.complete(entry, rtMillis: rt, failed: route.errors.isError(outcome), now: now)
        }
        for group in ticket.groups {
            engine.complete(group.entry, rtMillis: rt, failed: apiGroups[group.index].resource.errors.isError(outcome), now: now)
        }
        if let entry = ticket.method, let method {
            engine.complete(entry, rtMillis: rt, failed: method.errors.isError(outcome), now: now)
        }
        for held in ticket.gatewayHeld { held.checker.complete(held.parameters) }
    }
}

/// What an admitted call holds until it ends: its entries into the engine (the guard knows whose is whose)
/// and the gateway rules' values. One object, so handing it along the call (the decision, the completion's
/// closure) costs a reference count, not a copy of every entry.
final class GuardTicket: Sendable {
    /// A struct, not a tuple: an array of tuples has its type metadata built at run time on every copy.
    struct GroupEntry: Sendable {
        let index: Int
        let entry: FlowEntry
    }

    struct GatewayHeld: Sendable {
        let checker: GatewayFlowChecker
        let parameters: [String?]
    }

    /// What the guard gathers while it admits, resource by resource.
    struct Held: Sendable {
        var route: FlowEntry?
        /// API groups' entries, by the group's index in the guard.
        var groups: [GroupEntry] = []
        var method: FlowEntry?
        var gatewayHeld: [GatewayHeld] = []
    }

    let admittedAt: Int64
    let route: FlowEntry?
    let groups: [GroupEntry]
    let method: FlowEntry?
    let gatewayHeld: [GatewayHeld]

    init(admittedAt: Int64, _ held: consuming Held) {
        self.admittedAt = admittedAt
        route = held.route
        groups = held.groups
        method = held.method
        gatewayHeld = held.gatewayHeld
    }
}
