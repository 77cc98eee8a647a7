public import Logging
public import NIOCore
public import NIOPosix
internal import SluiceClient
internal import SluiceThrift
public import SluiceTracing
internal import NIOSSL
internal import Synchronization

/// The running gateway: HTTP/1.1 and HTTP/2 listeners (cleartext or TLS) in front of the routes of one routes directory, with a client
/// per service. Built for the `sluice` command line; everything it does is also reachable piecemeal.
public final class Gateway: Sendable {
    public struct Configuration: Sendable {
        /// Every listener serves the same routes (one snapshot) with the same limits.
        public var listeners: [ListenerConfiguration]
        public var routesDirectory: String
        /// Extra directories `include`s are looked up in, after the including file's own directory.
        public var includeDirectories: [String]
        public var limits: ListenerLimits
        /// WebSocket upgrades on every listener; `nil`: off.
        public var websocket: WebSocketSettings?
        public var logLevel: Logger.Level
        /// The admin listener (Admin/); `nil`: none.
        public var admin: AdminSettings?
        /// Reload when the configuration's files change (Reload/); `nil`: only on request.
        public var watch: WatchSettings?
        /// How long a shutdown waits for requests in flight before it closes what is left.
        public var drainTimeout: TimeAmount = .seconds(30)
        /// Keep request, flow-control and upstream metrics for the admin listener's `/metrics` (Metrics/).
        public var metrics = false
        /// The access log of every listener that does not say otherwise (AccessLog/); nil: none.
        public var accessLog: AccessLogSettings?
        /// W3C trace context and span export (SluiceTracing); nil: off, and the request path does no tracing.
        public var tracing: TracingSettings?
        /// Edge plugins every route runs unless its service or itself says otherwise; read at start.
        public var plugins = PluginLayer()

        public init(
            listeners: [ListenerConfiguration],
            routesDirectory: String = "routes",
            includeDirectories: [String] = [],
            limits: ListenerLimits = ListenerLimits(),
            websocket: WebSocketSettings? = nil,
            logLevel: Logger.Level = .info,
            admin: AdminSettings? = nil,
            watch: WatchSettings? = nil
        ) {
            self.listeners = listeners
            self.routesDirectory = routesDirectory
            self.includeDirectories = includeDirectories
            self.limits = limits
            self.websocket = websocket
            self.logLevel = logLevel
            self.admin = admin
            self.watch = watch
        }

        /// One listener; port 0 picks a free port (see ``Gateway/localPort``).
        public init(
            host: String = "127.0.0.1",
            port: Int = 8080,
            routesDirectory: String = "routes",
            includeDirectories: [String] = [],
            limits: ListenerLimits = ListenerLimits(),
            websocket: WebSocketSettings? = nil,
            logLevel: Logger.Level = .info,
            admin: AdminSettings? = nil,
            watch: WatchSettings? = nil
        ) {
            self.init(
                listeners: [ListenerConfiguration(address: ListenAddress(host: host, port: port))], routesDirectory: routesDirectory,
                includeDirectories: includeDirectories, limits: limits, websocket: websocket, logLevel: logLevel, admin: admin,
                watch: watch)
        }
    }

    public let configuration: Configuration
    /// The port each listener is bound to, in ``Configuration/listeners`` order (the chosen one for port 0).
    public let localPorts: [Int]
    /// The first listener's port.
    public var localPort: Int { localPorts.first ?? 0 }
    private let channels: [any Channel]
    private let connections: ListenerConnections
    /// Each distinct access log the listeners write (listeners with the same settings share one).
    let accessLogs: [AccessLog]
    /// Started with the gateway and ended after its last request; nil when tracing is off.
    let tracer: RequestTracer?
    let state: RuntimeState
    /// The admin listener, once bound (after the traffic listeners, as it serves this object).
    let adminChannel = Mutex<(any Channel)?>(nil)
    private let watcher = Mutex<ConfigWatcher?>(nil)
    let reloads = Mutex(ReloadLog())
    let logger: Logger
    /// Where reloads ask `idl: reflection` services.
    let group: any EventLoopGroup
    private let makeCaller: @Sendable (ThriftClientConfiguration) -> any ThriftCaller
    private let makeGRPCCaller: @Sendable (GRPCClientConfiguration) -> any GRPCCaller
    /// Serialises reloads, so each builds on the snapshot the previous one installed.
    private let reloading = Mutex(())
    /// Whether a `PUT /admin/rules` is between writing its file and its reload (one at a time).
    let changingRules = Mutex(false)
    private let isShutDown = Mutex(false)
    /// Samples the load and CPU usage system rules read.
    private let machineStatus: Task<Void, Never>

    private init(
        configuration: Configuration,
        channels: [any Channel],
        connections: ListenerConnections,
        accessLogs: [AccessLog],
        tracer: RequestTracer?,
        state: RuntimeState,
        logger: Logger,
        group: any EventLoopGroup,
        makeCaller: @escaping @Sendable (ThriftClientConfiguration) -> any ThriftCaller,
        makeGRPCCaller: @escaping @Sendable (GRPCClientConfiguration) -> any GRPCCaller,
        machineStatus: Task<Void, Never>
    ) {
        self.machineStatus = machineStatus
        self.configuration = configuration
        self.localPorts = zip(channels, configuration.listeners).map { $0.localAddress?.port ?? $1.address.port }
        self.channels = channels
        self.connections = connections
        self.accessLogs = accessLogs
        self.tracer = tracer
        self.state = state
        self.logger = logger
        self.group = group
        self.makeCaller = makeCaller
        self.makeGRPCCaller = makeGRPCCaller
    }

    /// Loads the routes directory (throwing ``ConfigErrors`` listing every problem), connects nothing yet
    /// (clients connect on first use), and starts listening.
    public static func start(
        configuration: Configuration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger? = nil
    ) async throws -> Gateway {
        var logger = logger ?? Logger(label: "sluice.gateway")
        logger.logLevel = configuration.logLevel
        let clientLogger = logger
        let reflected = await RouteConfigLoader.fetchReflected(directory: configuration.routesDirectory, group: group, logger: logger)
        let loaded = try RouteConfigLoader.load(
            directory: configuration.routesDirectory,
            includeDirectories: configuration.includeDirectories,
            schemaLoader: SchemaLoader.thriftIDL.withReflected(reflected)
        )
        // What loads but is not acted on (api.vd) is worth one line, as `sluice check` prints it.
        for note in loaded.notes { logger.notice("\(note)") }
        return try await start(
            configuration: configuration,
            loaded: loaded,
            group: group,
            logger: logger,
            makeCaller: { clientConfiguration in
                ThriftClient(configuration: clientConfiguration, eventLoopGroup: group, logger: clientLogger)
            },
            makeGRPCCaller: { clientConfiguration in
                GRPCClient(configuration: clientConfiguration, eventLoopGroup: group, logger: clientLogger)
            }
        )
    }

    /// Starts on an already loaded configuration with callers from `makeCaller` (tests answer from memory).
    static func start(
        configuration: Configuration,
        loaded: GatewayConfiguration,
        group: any EventLoopGroup,
        logger: Logger,
        makeCaller: @escaping @Sendable (ThriftClientConfiguration) -> any ThriftCaller,
        makeGRPCCaller: @escaping @Sendable (GRPCClientConfiguration) -> any GRPCCaller = { configuration in
            GRPCClient(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "sluice.grpc"))
        }
    ) async throws -> Gateway {
        let monitor = MachineStatusMonitor()
        var loaded = loaded
        loaded.plugins = configuration.plugins
        try await loaded.preparePlugins()
        let (snapshot, _) = RuntimeSnapshot.build(
            configuration: loaded, previous: nil, logger: logger, group: group, flow: FlowRuntime(systemStatus: monitor),
            metrics: configuration.metrics ? GatewayMetrics(version: GatewayVersion.string) : nil, makeCaller: makeCaller,
            makeGRPCCaller: makeGRPCCaller)
        let state = RuntimeState(snapshot)
        let connections = ListenerConnections()
        var channels: [any Channel] = []
        var accessLogs: [AccessLogSettings: AccessLog] = [:]
        var tracer: RequestTracer?
        do {
            tracer = try configuration.tracing.map { settings throws(TracingSetupError) in
                try RequestTracer(settings: settings, logger: logger)
            }
            for listener in configuration.listeners {
                var accessLog: AccessLog?
                if let settings = listener.accessLog.resolved(default: configuration.accessLog) {
                    accessLog = try accessLogs[settings] ?? AccessLog(settings: settings, group: group, logger: logger)
                    accessLogs[settings] = accessLog
                }
                // One dispatcher per listener: it carries the listener's access log.
                let dispatcher = RequestDispatcher(state: state, logger: logger, accessLog: accessLog, tracer: tracer)
                let address = listener.address
                let tls = try listener.tls.map { tls throws(ListenerSetupError) in
                    do throws(TLSFileError) {
                        return try tls.makeServerContext()
                    } catch {
                        throw ListenerSetupError(address: address, message: error.description)
                    }
                }
                let channel = try await Listener.bind(
                    listener,
                    tls: tls,
                    group: group,
                    limits: configuration.limits,
                    websocket: configuration.websocket,
                    connections: connections,
                    handler: dispatcher
                ).get()
                channels.append(channel)
                logger.info(
                    "listening",
                    metadata: [
                        "address": "\(ListenAddress(host: address.host, port: channel.localAddress?.port ?? address.port))",
                        "tls": "\(listener.tls != nil)",
                        "routes": "\(snapshot.routes.count)",
                        "clients": "\(snapshot.services.count)",
                    ]
                )
            }
        } catch {
            for channel in channels { try? await channel.close() }
            for service in snapshot.services.values { await service.client.shutdown() }
            for log in accessLogs.values { await log.close() }
            await tracer?.shutdown()
            throw error
        }
        let gateway = Gateway(
            configuration: configuration,
            channels: channels,
            connections: connections,
            accessLogs: Array(accessLogs.values),
            tracer: tracer,
            state: state,
            logger: logger,
            group: group,
            makeCaller: makeCaller,
            makeGRPCCaller: makeGRPCCaller,
            machineStatus: Task { await monitor.run() }
        )
        if let admin = configuration.admin {
            do {
                try await gateway.startAdmin(admin)
            } catch {
                try? await gateway.shutdown()
                throw error
            }
        }
        if let watch = configuration.watch {
            gateway.watcher.withLock { $0 = ConfigWatcher(gateway: gateway, settings: watch) }
        }
        return gateway
    }

    /// The running configuration.
    public var currentConfiguration: GatewayConfiguration { state.current.configuration }

    /// Loads `directory` (default: the one the gateway started with) into a new snapshot and swaps it in.
    /// On any error the running configuration stays as it was and the errors are thrown. Clients of services
    /// whose settings did not change carry over; the others are shut down once in-flight calls had time
    /// to finish.
    /// `idl: reflection` services are asked again first.
    public func reload(directory: String? = nil) async throws(ConfigErrors) {
        let directory = directory ?? configuration.routesDirectory
        let reflected = await RouteConfigLoader.fetchReflected(directory: directory, group: group, logger: logger)
        var loaded = try RouteConfigLoader.load(
            directory: directory,
            includeDirectories: configuration.includeDirectories,
            schemaLoader: SchemaLoader.thriftIDL.withReflected(reflected)
        )
        loaded.plugins = configuration.plugins
        try await loaded.preparePlugins()
        let retired: [ServiceRuntime] = reloading.withLock { _ in
            let (snapshot, retired) = RuntimeSnapshot.build(
                configuration: loaded, previous: state.current, logger: logger, group: group, makeCaller: makeCaller, makeGRPCCaller: makeGRPCCaller)
            _ = state.swap(snapshot)
            return retired
        }
        logger.info("reloaded", metadata: ["routes": "\(loaded.routes.count)", "retired-services": "\(retired.count)"])
        for service in retired {
            let grace = service.configuration.requestTimeout + service.configuration.connectTimeout
            Task {
                try? await Task.sleep(nanoseconds: UInt64(max(0, grace.nanoseconds)))
                await service.client.shutdown()
            }
        }
    }

    /// Stops accepting connections, tells each open one to finish (HTTP/1.1 `Connection: close` on its last
    /// response, HTTP/2 GOAWAY, WebSocket close 1001; idle ones close at once), waits for them up to
    /// ``Configuration/drainTimeout``, closes what is left, then shuts every client and HTTP upstream down.
    /// Calling it again does nothing.
    public func shutdown() async throws {
        let first = isShutDown.withLock { isShutDown in
            defer { isShutDown = true }
            return !isShutDown
        }
        guard first else { return }
        machineStatus.cancel()
        watcher.withLock { $0?.stop() }
        if let admin = adminChannel.withLock({ $0 }) { try? await admin.close() }
        for channel in channels { try await channel.close() }
        connections.quiesce()
        let services = state.current.services.values
        let deadline = NIODeadline.now() + configuration.drainTimeout
        while connections.count > 0, NIODeadline.now() < deadline {
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        if connections.count > 0 {
            logger.warning("drain timeout: closing connections still open", metadata: ["connections": "\(connections.count)"])
            connections.closeAll()
        }
        for service in services { await service.client.shutdown() }
        for upstream in state.current.upstreams.values { await upstream.shutdown() }
        for log in accessLogs { await log.close() }
        // Last: the spans of the requests just drained are exported before the process ends.
        await tracer?.shutdown()
        logger.info("stopped")
    }
}
