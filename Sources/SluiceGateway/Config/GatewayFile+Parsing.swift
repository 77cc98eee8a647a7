internal import Foundation
internal import Yams

extension GatewayFile {
    static let topKeys = ["listeners", "routes", "limits", "websocket", "admin", "watch", "shutdown", "metrics", "access_log", "tracing", "plugins"]
    static let shutdownKeys = ["drain_timeout"]
    static let watchKeys = ["interval", "quiet"]
    static let adminKeys = ["address", "token"]
    static let limitKeys = ["max_body", "max_header_bytes", "idle_timeout", "header_timeout"]

    /// Parses `text` (the contents of `path`): what could be read, and every problem.
    static func parse(text: String, path: String) -> (GatewayFile, [ConfigDiagnostic]) {
        var reader = YAMLReader(file: path)
        var file = GatewayFile(listeners: [], routesDirectory: "")
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            return (file, [yamlErrorOrigin(error, file: path).diagnostic(yamlErrorMessage(error))])
        }
        guard let root else {
            return (file, [ConfigDiagnostic(file: path, line: 1, column: 1, message: "the gateway config is empty (expected 'listeners' and 'routes')")])
        }
        if let top = reader.fields(of: root, what: "the gateway config", allowed: topKeys) {
            file.listeners = parseListeners(top["listeners"], root: root, path: path, reader: &reader)
            if let routes = top["routes"] {
                if let directory = reader.string(routes.value, what: "'routes'") {
                    file.routesDirectory = resolve(directory, against: path)
                }
            } else {
                reader.error(at: root, "missing 'routes' (the route files directory)")
            }
            if let limits = top["limits"] { file.limits = parseLimits(limits.value, reader: &reader) }
            if let websocket = top["websocket"] { file.websocket = parseWebSocket(websocket.value, reader: &reader) }
            if let admin = top["admin"] { file.admin = parseAdmin(admin.value, reader: &reader) }
            if let watch = top["watch"] { file.watch = parseWatch(watch.value, reader: &reader) }
            if let accessLog = top["access_log"] {
                file.accessLog = parseAccessLog(accessLog.value, path: path, reader: &reader).resolved(default: nil)
            }
            if let tracing = top["tracing"] { file.tracing = parseTracing(tracing.value, reader: &reader) }
            if let plugins = top["plugins"] {
                let directory = (path as NSString).deletingLastPathComponent
                file.plugins = PluginLayer.parse(plugins.value, directory: directory, reader: &reader) ?? PluginLayer()
            }
            if let metrics = top["metrics"] {
                switch metrics.value.scalar?.string {
                case "on", "true": file.metrics = true
                case "off", "false": file.metrics = false
                default: reader.error(at: metrics.value, "'metrics' must be on or off")
                }
            }
            if let shutdown = top["shutdown"],
                let fields = reader.fields(of: shutdown.value, what: "'shutdown'", allowed: shutdownKeys),
                let field = fields["drain_timeout"], let value = reader.duration(field.value, what: "'shutdown.drain_timeout'")
            {
                file.drainTimeout = value
            }
        }
        // Sections are read in a fixed order; report in file order.
        return (file, reader.diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
    }

    private static func parseLimits(_ node: Node, reader: inout YAMLReader) -> ListenerLimits {
        var limits = ListenerLimits()
        guard let fields = reader.fields(of: node, what: "'limits'", allowed: limitKeys) else { return limits }
        if let field = fields["max_body"], let value = reader.size(field.value, what: "'max_body'") {
            limits.maxBodySize = value
        }
        if let field = fields["max_header_bytes"], let value = reader.size(field.value, what: "'max_header_bytes'") {
            limits.maxHeaderBytes = value
        }
        if let field = fields["idle_timeout"], let value = reader.duration(field.value, what: "'idle_timeout'") {
            limits.idleTimeout = value
        }
        if let field = fields["header_timeout"], let value = reader.duration(field.value, what: "'header_timeout'") {
            limits.headerTimeout = value
        }
        return limits
    }

    /// `admin: off`, or `admin: {address: "host:port", token: "..."}` (the address defaults to 127.0.0.1:9901).
    private static func parseAdmin(_ node: Node, reader: inout YAMLReader) -> AdminSettings? {
        if let scalar = node.scalar, scalar.string == "off" || scalar.string == "false" { return nil }
        guard let fields = reader.fields(of: node, what: "'admin' (off, or {address, token})", allowed: adminKeys) else {
            return .default
        }
        var settings = AdminSettings()
        if let field = fields["address"], let text = reader.string(field.value, what: "the admin 'address'") {
            if let address = ListenAddress(parsing: text) {
                settings.address = address
            } else {
                reader.error(at: field.value, "bad admin address '\(text)' (expected host:port or [v6]:port)")
            }
        }
        if let field = fields["token"] { settings.token = reader.string(field.value, what: "the admin 'token'") }
        if let problem = settings.problem { reader.error(at: fields["token"]?.value ?? fields["address"]?.value ?? node, problem) }
        return settings
    }

    /// `watch: off`, or `watch: {interval: 500ms, quiet: 300ms}`.
    private static func parseWatch(_ node: Node, reader: inout YAMLReader) -> WatchSettings? {
        if let scalar = node.scalar, scalar.string == "off" || scalar.string == "false" { return nil }
        var settings = WatchSettings()
        guard let fields = reader.fields(of: node, what: "'watch' (off, or {interval, quiet})", allowed: watchKeys) else {
            return settings
        }
        if let field = fields["interval"], let value = reader.duration(field.value, what: "'watch.interval'") {
            settings.interval = value
        }
        if let field = fields["quiet"], let value = reader.duration(field.value, what: "'watch.quiet'") {
            settings.quiet = value
        }
        return settings
    }

    static func resolve(_ path: String, against file: String) -> String {
        if path.hasPrefix("/") { return (path as NSString).standardizingPath }
        let directory = (file as NSString).deletingLastPathComponent
        return (((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }
}
