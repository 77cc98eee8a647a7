internal import NIOCore
internal import SluiceTracing
internal import Yams

extension GatewayFile {
    static let tracingKeys = ["otlp", "sample", "service_name", "export_interval"]

    /// `tracing: off`, or `tracing: {otlp: URL, sample: 0..1, service_name: sluice, export_interval: 5s}`; every
    /// key is optional (`tracing: {}` accepts, creates and propagates trace context and exports nothing).
    static func parseTracing(_ node: Node, reader: inout YAMLReader) -> TracingSettings? {
        if let scalar = node.scalar, scalar.string == "off" || scalar.string == "false" { return nil }
        guard let fields = reader.fields(of: node, what: "'tracing' (off, or {otlp, sample, service_name, export_interval})", allowed: tracingKeys)
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
        return settings
    }
}
