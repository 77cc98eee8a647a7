internal import Tracing

/// One request's server span, from the dispatcher's walk to the answer's head.
public final class RequestSpan: Sendable {
    /// swift-otel's span when this one is exported; nil for one that only propagates.
    private let span: (any Span)?
    /// What the request's backend call carries: this span as its parent, and the incoming `tracestate`.
    public let outgoing: TraceHeaders

    init(span: (any Span)?, outgoing: TraceHeaders) {
        self.span = span
        self.outgoing = outgoing
    }

    /// The trace id, as the access log writes it.
    public var traceID: Substring? { outgoing.traceID }

    /// Whether the span will be exported (an unsampled one, or any without an exporter, still propagates).
    public var isRecording: Bool { span?.isRecording ?? false }

    /// Records how the request ended and ends the span. A 5xx, or a refusal by a flow rule, marks it an error.
    public func finish(_ outcome: RequestOutcome) {
        guard let span else { return }
        if span.isRecording {
            span.updateAttributes { outcome.write(into: &$0) }
            if outcome.status >= 500 {
                span.setStatus(SpanStatus(code: .error, message: outcome.blockedBy.map { "blocked by \($0)" }))
            }
        }
        span.end()
    }
}

/// What the span says of the request (OpenTelemetry's HTTP server conventions), known when it starts.
public struct RequestAttributes: Sendable {
    public var method: String
    public var path: Substring
    public var route: String?
    /// `1.1` or `2`.
    public var protocolVersion: String
    public var client: String?
    public var service: String?
    /// The backend endpoint when the route can reach only one (a service's one static endpoint); a cluster's
    /// is known only at the end (``RequestOutcome/endpoint``).
    public var endpoint: String?

    public init(
        method: String, path: Substring, route: String?, protocolVersion: String, client: String?, service: String?,
        endpoint: String? = nil
    ) {
        self.method = method
        self.path = path
        self.route = route
        self.protocolVersion = protocolVersion
        self.client = client
        self.service = service
        self.endpoint = endpoint
    }

    func write(into attributes: inout SpanAttributes) {
        attributes["http.request.method"] = method
        attributes["url.path"] = String(path)
        if let route { attributes["http.route"] = route }
        attributes["network.protocol.name"] = "http"
        attributes["network.protocol.version"] = protocolVersion
        if let client { attributes["client.address"] = client }
        if let service { attributes["sluice.service"] = service }
        if let endpoint { attributes["server.address"] = endpoint }
    }
}

/// How the request ended, known when its answer's head goes out.
public struct RequestOutcome: Sendable {
    public var status: Int
    /// The backend endpoint that answered, and how many attempts the call made.
    public var endpoint: String?
    public var attempts: Int?
    /// The kind of flow rule that refused the call.
    public var blockedBy: String?

    public init(status: Int, endpoint: String? = nil, attempts: Int? = nil, blockedBy: String? = nil) {
        self.status = status
        self.endpoint = endpoint
        self.attempts = attempts
        self.blockedBy = blockedBy
    }

    func write(into attributes: inout SpanAttributes) {
        attributes["http.response.status_code"] = Int64(status)
        if let endpoint { attributes["server.address"] = endpoint }
        if let attempts { attributes["sluice.attempts"] = Int64(attempts) }
        if let blockedBy { attributes["sluice.blocked_by"] = blockedBy }
    }
}
