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
    /// One resource the route's calls enter.
    struct Resource: Sendable {
        let resource: FlowResource
        /// The resource's parameter list as this route reads it (hot-parameter rules index it).
        let readers: [ParamReader]
        /// The resource's gateway rules, converted to parameter rules.
        let gateway: GatewayRules?
        let errors: OutcomeCounting
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
        var ticket = GuardTicket(admittedAt: now)
        var waited: Int64 = 0
        if let route, let error = enter(route, items, input, origin: originName, entryRoute: "", &ticket, &waited, now: now) {
            return .reject(error)
        }
        if !apiGroups.isEmpty {
            let path = String(rawPath)
            for group in apiGroups where group.matcher.matches(path: path) {
                if let error = enter(group.resource, items, input, origin: originName, entryRoute: "", &ticket, &waited, now: now) {
                    return .reject(error)
                }
            }
        }
        if let method,
            let error = enter(method, items, input, origin: originName, entryRoute: routeName, &ticket, &waited, now: now)
        {
            return .reject(error)
        }
        return waited > 0 ? .delay(.milliseconds(waited), ticket) : .admit(ticket)
    }

    /// Enters one resource; on a block, lets go of what the call entered before and answers the error.
    private func enter(
        _ entered: Resource, _ items: FlowRequestItems, _ input: CallInput?, origin: String, entryRoute: String,
        _ ticket: inout GuardTicket, _ waited: inout Int64, now: Int64
    ) -> GatewayError? {
        if let gateway = entered.gateway {
            let parameters = gateway.rules.parameters(for: items, mode: gateway.mode)
            switch gateway.checker.check(parameters, now: now + waited) {
            case .pass: break
            case .wait(let millis): waited += millis
            case .block:
                engine.recordBlock(entered.resource, origin: origin, now: now)
                abandon(ticket, now: now)
                return FlowBlockAnswer.gateway(resource: entered.resource.name)
            }
            ticket.gatewayHeld.append(GuardTicket.GatewayHeld(checker: gateway.checker, parameters: parameters))
        }
        let parameters = RequestParameters(readers: entered.readers, items: items, input: input)
        switch engine.admit(entered.resource, origin: origin, entryRoute: entryRoute, parameters: parameters, now: now + waited) {
        case .pass(let entry):
            ticket.entries.append(GuardTicket.Entered(entry: entry, errors: entered.errors))
        case .wait(let millis, let entry):
            waited += millis
            ticket.entries.append(GuardTicket.Entered(entry: entry, errors: entered.errors))
        case .block(let block):
            abandon(ticket, now: now)
            return FlowBlockAnswer.error(for: block, resource: entered.resource.name, now: now + waited)
        }
        return nil
    }

    private func abandon(_ ticket: GuardTicket, now: Int64) {
        for entered in ticket.entries { engine.abandon(entered.entry, now: now) }
        for held in ticket.gatewayHeld { held.checker.complete(held.parameters) }
    }

    /// Records how an admitted call ended; its RT runs from its admission, so a paced call's wait is in it.
    func complete(_ ticket: GuardTicket, outcome: GuardOutcome, now: Int64) {
        let rt = max(0, now - ticket.admittedAt)
        for entered in ticket.entries {
            engine.complete(entered.entry, rtMillis: rt, failed: entered.errors.isError(outcome), now: now)
        }
        for held in ticket.gatewayHeld { held.checker.complete(held.parameters) }
    }
}

/// What an admitted call holds until it ends: its entries into the engine and the gateway rules' values.
struct GuardTicket: Sendable {
    struct Entered: Sendable {
        let entry: FlowEntry
        let errors: OutcomeCounting
    }

    struct GatewayHeld: Sendable {
        let checker: GatewayFlowChecker
        let parameters: [String?]
    }

    let admittedAt: Int64
    var entries: [Entered] = []
    var gatewayHeld: [GatewayHeld] = []
}
