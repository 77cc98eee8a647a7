internal import NIOHTTP1

/// A proxied request through its route's flow guard: admitted (or paced, or refused) before an upstream
/// connection is taken, and completed with the upstream's status when the exchange ends.
extension ProxyExchange {
    func admit(_ flowGuard: RouteGuard) -> GuardDecision {
        let target = request.uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { (request.uri[..<$0], request.uri[request.uri.index(after: $0)...]) }
            ?? (request.uri[...], "")
        let items = FlowRequestItems(headers: GatewayHeaders(http1: request.headers), query: target.1, remoteAddress: clientAddress)
        return flowGuard.admit(items, path: target.0, input: nil, now: flowGuard.now())
    }

    /// Ends the flow-control entries once; a 5xx (the upstream's or the gateway's own 502/504) is a failure.
    func completeFlow(_ outcome: GuardOutcome) {
        guard let ticket = flowTicket, let flowGuard = route.flowGuard else { return }
        flowTicket = nil
        flowGuard.complete(ticket, outcome: outcome, now: flowGuard.now())
    }
}
