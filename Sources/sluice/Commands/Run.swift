import ArgumentParser
import Logging
import NIOCore
import NIOPosix
import SluiceGateway

/// `sluice run`: the gateway over a routes directory, until SIGINT or SIGTERM.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the routes in a directory until SIGINT or SIGTERM."
    )

    @Option(help: ArgumentHelp("The routes directory (default: routes/).", valueName: "dir"))
    var routes: String?

    @Option(help: ArgumentHelp("Where to accept HTTP; port 0 picks a free port.", valueName: "host:port"))
    var listen = HostPort(host: "127.0.0.1", port: 8080)

    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info, notice, warning, error or critical."))
    var logLevel: Logger.Level = .info

    @Option(name: .customLong("include-dir"), help: ArgumentHelp("Another directory to find IDL includes in.", valueName: "dir"))
    var includeDirectories: [String] = []

    @Option(
        name: .customLong("event-loops"),
        help: ArgumentHelp("Event loop threads serving requests (default: one per core).", valueName: "n"))
    var eventLoops: Int?

    func validate() throws {
        if let eventLoops, eventLoops < 1 { throw ValidationError("--event-loops must be at least 1") }
    }

    func run() async throws {
        bootstrapLogging(level: logLevel)
        let shutdown = ShutdownSignal.install()
        let logger = Logger(label: "sluice.run")
        let directory = routes ?? PackagePaths.locate("routes") ?? "routes"
        let group = MultiThreadedEventLoopGroup(numberOfThreads: eventLoops ?? System.coreCount)
        let gateway: Gateway
        do {
            gateway = try await startGateway(
                routesDirectory: directory, includeDirectories: includeDirectories, listen: listen,
                logLevel: logLevel, group: group, logger: logger)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        let running = gateway.currentConfiguration
        print(
            "sluice: listening on http://\(listen.with(port: gateway.localPort)) "
                + "(\(running.routes.count) routes, \(running.services.count) services from \(directory))")
        flushStandardOutput()

        let signal = await shutdown.wait()
        logger.info("shutting down", metadata: ["signal": "\(signal)"])
        try await gateway.shutdown()
        try await group.shutdownGracefully()
    }
}
