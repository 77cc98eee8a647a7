internal import NIOHTTP1

/// A proxied request through its route's flow guard: admitted (or paced, or refused) before an upstream
/// connection is taken, and completed with the upstream's status when the exchange ends.
extension ProxyExchange {
    func admit(_ flowGuard: RouteGuard) -> GuardDecision {
        let target = requestTarget
        return flowGuard.admit(items(query: target.query), path: target.path, input: nil, now: flowGuard.now())
    }

    /// The request's parts that flow rules and a `hash_key` read.
    var requestItems: FlowRequestItems { items(query: requestTarget.query) }

    private func items(query: Substring) -> FlowRequestItems {
        FlowRequestItems(headers: GatewayHeaders(http1: request.headers), query: query, remoteAddress: clientAddress)
    }

    private var requestTarget: (path: Substring, query: Substring) {
        guard let mark = request.uri.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (request.uri[...], "") }
        return (request.uri[..<mark], request.uri[request.uri.index(after: mark)...])
    }

    /// Ends the flow-control entries once; a 5xx (the upstream's or the gateway's own 502/504) is a failure.
    func completeFlow(_ outcome: GuardOutcome) {
        guard let ticket = flowTicket, let flowGuard = route.flowGuard else { return }
        flowTicket = nil
        flowGuard.complete(ticket, outcome: outcome, now: flowGuard.now())
    }
}
