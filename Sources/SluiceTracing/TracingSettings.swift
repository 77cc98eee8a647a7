// Why this module is thin: W3C trace context, sampling, span batching and OTLP/HTTP export are swift-otel's
// (over swift-distributed-tracing); what is Sluice's own is only how a gateway request maps onto them (one
// server span, the headers its backend call carries) and a lifecycle that never lets spans pile up.

/// `tracing:` in the gateway config. With it, each request joins the trace its `traceparent` names, or starts
/// one, and its backend call carries the gateway's span as parent; without it the request path does none of this.
public struct TracingSettings: Sendable, Hashable {
    /// Where spans go by OTLP/HTTP (protobuf); nil: none are exported, trace context is still accepted, created
    /// and propagated.
    public var otlpEndpoint: String?
    /// The share of new traces (no sampled parent) that are recorded; a request's sampled or unsampled parent
    /// decides for it (parent-based, as OpenTelemetry's default sampler).
    public var sampleRatio: Double
    /// The resource's `service.name`.
    public var serviceName: String
    /// How often batched spans are sent (and at shutdown, whatever is left).
    public var exportInterval: Duration
    /// At most this many spans are exported a second; past it a sampled request still propagates its context,
    /// but its span is not recorded. Clients choose the sampled flag, and an exported span costs tens of
    /// microseconds: this bounds what they can make the gateway spend.
    public var maxSpansPerSecond: Int

    public init(
        otlpEndpoint: String? = nil, sampleRatio: Double = 1, serviceName: String = "sluice", exportInterval: Duration = .seconds(5),
        maxSpansPerSecond: Int = 1000
    ) {
        self.otlpEndpoint = otlpEndpoint
        self.sampleRatio = sampleRatio
        self.serviceName = serviceName
        self.exportInterval = exportInterval
        self.maxSpansPerSecond = maxSpansPerSecond
    }

    /// The URL spans are posted to: a base URL without a path (`http://host:4318`) gains the traces path
    /// `/v1/traces`, as OpenTelemetry's `OTEL_EXPORTER_OTLP_ENDPOINT` does; one with a path is used as it is.
    public static func tracesURL(_ endpoint: String) -> String? {
        guard let schemeEnd = endpoint.firstRange(of: "://") else { return nil }
        let scheme = endpoint[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = endpoint[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains(where: { $0 == " " || $0 == "@" }) else { return nil }
        let path = rest.dropFirst(authority.count)
        if path.isEmpty || path == "/" { return "\(scheme)://\(authority)/v1/traces" }
        return endpoint
    }
}
