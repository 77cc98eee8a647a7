internal import NIOCore
internal import SluiceTracing

/// Counts each answer on its route's metrics and writes its access log entry as it goes out, then hands it on:
/// the one place every exit of the dispatcher's walk passes. Made only when the gateway keeps one or the other.
struct RecordingResponder<Inner: GatewayResponder>: GatewayResponder {
    let inner: Inner
    let metrics: RouteMetrics?
    let ingress: IngressProtocol
    /// When the request reached the dispatcher (uptime nanoseconds).
    let started: UInt64
    let logging: AccessLogging?
    /// The request's server span, ended here; nil when tracing is off.
    var trace: RequestSpan? = nil

    func respond(_ response: GatewayResponse) {
        let elapsed = NIODeadline.now().uptimeNanoseconds &- started
        metrics?.answered(status: response.status, ingress: ingress, elapsed: elapsed)
        if let logging { logging.record(response, elapsed: elapsed) }
        if let trace {
            trace.finish(
                RequestOutcome(
                    status: response.status, endpoint: response.upstream?.endpoint, attempts: response.upstream?.attempts,
                    blockedBy: response.blockedBy))
        }
        inner.respond(response)
    }
}

/// An access log and the request half of the entry a response completes. A class: the responder that holds it
/// is copied along the walk and into its closures, and one reference is cheaper to copy than a dozen strings.
final class AccessLogging: Sendable {
    let log: AccessLog
    let request: AccessLogRequest
    let eventLoop: any EventLoop
    /// The service's one static endpoint, which its client (without a cluster) does not name on replies.
    let soleEndpoint: String?

    init(log: AccessLog, request: AccessLogRequest, eventLoop: any EventLoop, soleEndpoint: String?) {
        self.log = log
        self.request = request
        self.eventLoop = eventLoop
        self.soleEndpoint = soleEndpoint
    }

    func record(_ response: GatewayResponse, elapsed: UInt64) {
        let entry = AccessLogEntry(
            request: request, status: response.status, latency: elapsed,
            bytesOut: response.stream == nil ? response.body?.readableBytes ?? 0 : nil,
            endpoint: response.upstream.map { $0.endpoint ?? soleEndpoint } ?? nil, attempts: response.upstream?.attempts,
            blockedBy: response.blockedBy)
        log.record(entry, on: eventLoop)
    }
}
