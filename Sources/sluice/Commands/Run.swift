import ArgumentParser
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SluiceGateway
import SluiceTracing
import UnixSignals

/// `sluice run`: the gateway over a routes directory (or a gateway config file), until SIGINT or SIGTERM.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the routes in a directory until SIGINT or SIGTERM."
    )

    @Option(help: ArgumentHelp("A gateway config file: listeners, routes directory and limits.", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("The routes directory (default: routes/).", valueName: "dir"))
    var routes: String?

    @Option(help: ArgumentHelp("Where to accept HTTP (default: 127.0.0.1:8080); port 0 picks a free port.", valueName: "host:port"))
    var listen: HostPort?

    @Option(
        name: .customLong("websocket-path"),
        help: ArgumentHelp("Serve WebSocket RPC on this path, with the default limits (a config file has 'websocket:').", valueName: "path"))
    var websocketPath: String?

    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info, notice, warning, error or critical."))
    var logLevel: Logger.Level = .info

    @Option(name: .customLong("include-dir"), help: ArgumentHelp("Another directory to find IDL includes in.", valueName: "dir"))
    var includeDirectories: [String] = []

    @Option(
        help: ArgumentHelp(
            "Where the admin API listens (default: 127.0.0.1:9901), or 'off'; a config file has 'admin:'.", valueName: "host:port|off"))
    var admin: String?

    @Option(
        help: ArgumentHelp(
            "How often to look for changed route, IDL and rule files (default: 500ms), or 'off'; a config file has 'watch:'.",
            valueName: "interval|off"))
    var watch: String?

    @Flag(
        inversion: .prefixedNo,
        help: ArgumentHelp("Keep metrics for the admin API's /metrics (default: on); a config file has 'metrics:'."))
    var metrics = true

    @Option(
        name: .customLong("access-log"),
        help: ArgumentHelp(
            "Write an access log line per request to this file, or '-' for standard output (default: none); a config file has 'access_log:'.",
            valueName: "path|-"))
    var accessLog: String?

    @Option(
        name: .customLong("access-log-format"),
        help: ArgumentHelp("The access log's format: json (one object per line, the default) or combined (Apache/nginx).", valueName: "format"))
    var accessLogFormat: String?

    @Option(
        name: .customLong("tracing"),
        help: ArgumentHelp(
            "W3C trace context for every request: 'on' (accept, create, propagate), or an OTLP/HTTP collector URL to export spans to as well (default: off); a config file has 'tracing:'.",
            valueName: "on|url"))
    var tracing: String?

    @Option(
        name: .customLong("trace-sample"),
        help: ArgumentHelp("With --tracing, the share of new traces recorded, 0 to 1 (default: 1).", valueName: "ratio"))
    var traceSample: Double?

    @Option(
        name: .customLong("drain-timeout"),
        help: ArgumentHelp(
            "On SIGTERM/SIGINT, how long requests in flight may take to finish (default: 30s); a config file has 'shutdown:'.",
            valueName: "duration"))
    var drainTimeout: String?

    @Option(
        name: .customLong("event-loops"),
        help: ArgumentHelp("Event loop threads serving requests (default: one per core).", valueName: "n"))
    var eventLoops: Int?

    func validate() throws {
        if let eventLoops, eventLoops < 1 { throw ValidationError("--event-loops must be at least 1") }
        if config != nil && (routes != nil || listen != nil) {
            throw ValidationError("--config cannot be combined with --routes or --listen: the config file names the listeners and routes")
        }
        if config != nil && watch != nil {
            throw ValidationError("--watch cannot be combined with --config: set 'watch:' in the config file")
        }
        if let watch, watch != "off", Self.duration(watch) == nil {
            throw ValidationError("--watch must be a duration such as 500ms or 2s, or 'off', not '\(watch)'")
        }
        if config != nil && drainTimeout != nil {
            throw ValidationError("--drain-timeout cannot be combined with --config: set 'shutdown: {drain_timeout: ...}' in the config file")
        }
        if let drainTimeout, Self.duration(drainTimeout) == nil {
            throw ValidationError("--drain-timeout must be a duration such as 500ms or 30s, not '\(drainTimeout)'")
        }
        if config != nil && (accessLog != nil || accessLogFormat != nil) {
            throw ValidationError("--access-log cannot be combined with --config: set 'access_log:' in the config file")
        }
        if accessLogFormat != nil && accessLog == nil {
            throw ValidationError("--access-log-format needs --access-log")
        }
        if let accessLogFormat, AccessLogSettings.Format(rawValue: accessLogFormat) == nil {
            throw ValidationError("--access-log-format must be json or combined, not '\(accessLogFormat)'")
        }
        if accessLog == "" { throw ValidationError("--access-log must be a file path or '-'") }
        if config != nil && (tracing != nil || traceSample != nil) {
            throw ValidationError("--tracing cannot be combined with --config: set 'tracing:' in the config file")
        }
        if traceSample != nil && tracing == nil { throw ValidationError("--trace-sample needs --tracing") }
        if let traceSample, !(0...1).contains(traceSample) {
            throw ValidationError("--trace-sample must be between 0 and 1, not \(traceSample)")
        }
        if let tracing, tracing != "on", TracingSettings.tracesURL(tracing) == nil {
            throw ValidationError("--tracing must be 'on' or an http:// or https:// URL, not '\(tracing)'")
        }
        if config != nil && admin != nil {
            throw ValidationError("--admin cannot be combined with --config: set 'admin:' in the config file")
        }
        if let admin, admin != "off", ListenAddress(parsing: admin) == nil {
            throw ValidationError("--admin must be host:port or 'off', not '\(admin)'")
        }
        if config != nil && websocketPath != nil {
            throw ValidationError("--websocket-path cannot be combined with --config: set 'websocket:' in the config file")
        }
        if let websocketPath, websocketPath.first != "/" || websocketPath.contains("?") {
            throw ValidationError("--websocket-path must be an absolute path such as /ws, without a query")
        }
    }

    /// `--admin`; the default listener when it is not given.
    private var adminSettings: AdminSettings? {
        guard let admin else { return .default }
        return admin == "off" ? nil : ListenAddress(parsing: admin).map { AdminSettings(address: $0) }
    }

    /// `--watch`; the default polling when it is not given.
    private var watchSettings: WatchSettings? {
        guard let watch else { return WatchSettings() }
        return Self.duration(watch).map { WatchSettings(interval: $0) }
    }

    private static func duration(_ text: String) -> TimeAmount? {
        try? DurationArgument.parse(text).amount
    }

    func run() async throws {
        bootstrapLogging(level: logLevel)
        let logger = Logger(label: "sluice.run")
        var configuration: Gateway.Configuration
        if let config {
            let file = try loadGatewayFile(config)
            configuration = Gateway.Configuration(
                listeners: file.listeners, routesDirectory: file.routesDirectory, includeDirectories: includeDirectories,
                limits: file.limits, websocket: file.websocket, logLevel: logLevel, admin: file.admin, watch: file.watch)
            configuration.drainTimeout = file.drainTimeout
            configuration.metrics = file.metrics
            configuration.accessLog = file.accessLog
            configuration.tracing = file.tracing
            configuration.plugins = file.plugins
        } else {
            let listen = listen ?? HostPort(host: "127.0.0.1", port: 8080)
            configuration = Gateway.Configuration(
                host: listen.host, port: listen.port, routesDirectory: routes ?? PackagePaths.locate("routes") ?? "routes",
                includeDirectories: includeDirectories, websocket: websocketPath.map { WebSocketSettings(path: $0) },
                logLevel: logLevel, admin: adminSettings, watch: watchSettings)
            if let drain = drainTimeout.flatMap(Self.duration) { configuration.drainTimeout = drain }
            configuration.metrics = metrics
            configuration.accessLog = accessLog.map { path in
                AccessLogSettings(path: path, format: accessLogFormat.flatMap(AccessLogSettings.Format.init(rawValue:)) ?? .json)
            }
            configuration.tracing = tracing.map { value in
                TracingSettings(otlpEndpoint: value == "on" ? nil : value, sampleRatio: traceSample ?? 1)
            }
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: eventLoops ?? System.coreCount)
        let gateway: Gateway
        do {
            gateway = try await startGateway(configuration, group: group, logger: logger)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        let running = gateway.currentConfiguration
        let urls = zip(configuration.listeners, gateway.localPorts).map { listener, port in
            "\(listener.tls == nil ? "http" : "https")://\(ListenAddress(host: listener.address.host, port: port))"
        }
        let adminNote = gateway.adminPort.map { port in
            "; admin on http://\(ListenAddress(host: configuration.admin?.address.host ?? "127.0.0.1", port: port))"
        }
        let banner =
            "sluice: listening on \(urls.joined(separator: ", ")) "
            + "(\(running.routes.count) routes, \(running.services.count) services from \(configuration.routesDirectory))"
            + (adminNote ?? "")
        let service = GatewayService(gateway: gateway, logger: logger) {
            print(banner)
            flushStandardOutput()
        }
        var lifecycleLogger = logger
        lifecycleLogger.logLevel = .warning
        let services = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: lifecycleLogger))
        do {
            try await services.run()
        } catch {
            try? await gateway.shutdown()
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }
}
