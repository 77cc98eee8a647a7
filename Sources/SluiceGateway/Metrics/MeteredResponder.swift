/// Counts each answer on its route's metrics as it goes out, then hands it on: the one place every exit of
/// the dispatcher's walk passes.
struct MeteredResponder<Inner: GatewayResponder>: GatewayResponder {
    let inner: Inner
    let metrics: RouteMetrics
    let ingress: IngressProtocol
    /// When the request reached the dispatcher (uptime nanoseconds).
    let started: UInt64

    func respond(_ response: GatewayResponse) {
        metrics.answered(status: response.status, ingress: ingress, started: started)
        inner.respond(response)
    }
}
