internal import Foundation
public import NIOCore
public import SluiceTracing

/// A gateway config file (`sluice run --config sluice.yaml`): where to listen, which routes directory to
/// serve, and the per-connection limits. Paths in it are relative to the file.
public struct GatewayFile: Sendable {
    /// Every listener serves the same routes.
    public var listeners: [ListenerConfiguration]
    /// Resolved against the config file's directory.
    public var routesDirectory: String
    public var limits: ListenerLimits
    /// `nil` (no `websocket:` key): no path upgrades to WebSocket.
    public var websocket: WebSocketSettings?
    /// The admin listener; ``AdminSettings/default`` without an `admin:` key, nil for `admin: off`.
    public var admin: AdminSettings? = .default
    /// Reload on file changes; ``WatchSettings`` defaults without a `watch:` key, nil for `watch: off`.
    public var watch: WatchSettings? = WatchSettings()
    /// `metrics: off` keeps none (and `/metrics` answers 404).
    public var metrics = true
    /// `access_log:` for every listener without its own; nil: none.
    public var accessLog: AccessLogSettings?
    /// `tracing: {otlp, sample, service_name, export_interval}`; nil (no key, or `tracing: off`): off.
    public var tracing: TracingSettings?
    /// `plugins:` every route runs (unless its service or itself says otherwise).
    public var plugins = PluginLayer()
    /// `shutdown: {drain_timeout: 30s}`.
    public var drainTimeout: TimeAmount = .seconds(30)

    public init(
        listeners: [ListenerConfiguration], routesDirectory: String, limits: ListenerLimits = ListenerLimits(),
        websocket: WebSocketSettings? = nil
    ) {
        self.listeners = listeners
        self.routesDirectory = routesDirectory
        self.limits = limits
        self.websocket = websocket
    }

    /// Reads and checks the file at `path`, throwing every problem at once (the route files it names are
    /// loaded separately, by ``RouteConfigLoader``).
    public static func load(path: String) throws(ConfigErrors) -> GatewayFile {
        let (file, diagnostics) = read(path: path)
        guard diagnostics.isEmpty else { throw ConfigErrors(diagnostics) }
        return file
    }

    /// What of the file at `path` could be read, and every problem in it; `sluice check` goes on to check
    /// the routes directory when ``routesDirectory`` is not empty.
    public static func read(path: String) -> (GatewayFile, [ConfigDiagnostic]) {
        let empty = GatewayFile(listeners: [], routesDirectory: "")
        guard let data = FileManager.default.contents(atPath: path) else {
            return (empty, [ConfigDiagnostic(file: path, line: 0, column: 0, message: "cannot read the file")])
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            return (empty, [ConfigDiagnostic(file: path, line: 0, column: 0, message: "the file is not UTF-8")])
        }
        return parse(text: text, path: path)
    }
}
