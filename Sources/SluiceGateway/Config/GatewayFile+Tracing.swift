internal import NIOCore
internal import SluiceTracing
internal import Yams

extension GatewayFile {
    static let tracingKeys = ["otlp", "sample", "service_name", "export_interval", "max_spans_per_second"]

    /// `tracing: off`, or `tracing: {otlp: URL, sample: 0..1, service_name: sluice, export_interval: 5s,
    /// max_spans_per_second: 1000}`; every
    /// key is optional (`tracing: {}` accepts, creates and propagates trace context and exports nothing).
    static func parseTracing(_ node: Node, reader: inout YAMLReader) -> TracingSettings? {
        if let scalar = node.scalar, scalar.string == "off" || scalar.string == "false" { return nil }
        guard let fields = reader.fields(of: node, what: "'tracing' (off, or {otlp, sample, service_name, export_interval, max_spans_per_second})", allowed: tracingKeys)
        else { return nil }
        var settings = TracingSettings()
        if let field = fields["otlp"], let url = reader.string(field.value, what: "'tracing.otlp'") {
            if TracingSettings.tracesURL(url) == nil {
                reader.error(at: field.value, "'tracing.otlp' must be an http:// or https:// URL (e.g. http://127.0.0.1:4318), not '\(url)'")
            } else {
                settings.otlpEndpoint = url
            }
        }
        if let field = fields["sample"], let ratio = reader.number(field.value, what: "'tracing.sample'", least: 0, most: 1) {
            settings.sampleRatio = ratio
        }
        if let field = fields["service_name"], let name = reader.string(field.value, what: "'tracing.service_name'") {
            if name.isEmpty { reader.error(at: field.value, "'tracing.service_name' must not be empty") } else { settings.serviceName = name }
        }
        if let field = fields["export_interval"], let interval = reader.duration(field.value, what: "'tracing.export_interval'") {
            settings.exportInterval = .nanoseconds(interval.nanoseconds)
        }
        if let field = fields["max_spans_per_second"],
            let cap = reader.number(field.value, what: "'tracing.max_spans_per_second'", least: 0, most: 1_000_000)
        {
            if cap != cap.rounded() {
                reader.error(at: field.value, "'tracing.max_spans_per_second' must be a whole number")
            } else {
                settings.maxSpansPerSecond = Int(cap)
            }
        }
        return settings
    }
}
