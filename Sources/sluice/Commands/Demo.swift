import ArgumentParser
import Logging
import NIOCore
import NIOPosix
import SluiceGateway
import SluiceThrift
import SluiceThriftServer

/// `sluice demo`: the example backend (Sluice's own Thrift server with simple handlers for the IDLs in
/// examples/) and the gateway over routes/, then the curl commands to try.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the example backend and the gateway over routes/, and print curl commands to try."
    )

    @Option(help: ArgumentHelp("Where the gateway accepts HTTP; port 0 picks a free port.", valueName: "host:port"))
    var listen: HostPort = HostPort(host: "127.0.0.1", port: 8080)

    @Option(help: ArgumentHelp("Where the example Thrift backend listens; port 0 picks a free port.", valueName: "host:port"))
    var backend: HostPort = HostPort(host: "127.0.0.1", port: 9090)

    @Flag(name: .customLong("backend-only"), help: "Run only the example backend (a Thrift server for tests and benchmarks).")
    var backendOnly = false

    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info, notice, warning, error or critical."))
    var logLevel: Logger.Level = .notice

    func run() async throws {
        bootstrapLogging(level: logLevel)
        let shutdown = ShutdownSignal.install()
        let logger = Logger(label: "sluice.demo")
        guard let examples = PackagePaths.locate("examples") else {
            printError("sluice demo: no examples/ here or in the package root; run it from the repository")
            throw ExitStatus.badInput
        }
        let handler: DemoBackend
        do {
            try EchoReply.verify(ThriftIDL.load(path: examples + "/echo/echo.thrift"))
            handler = try DemoBackend(storeSchema: ThriftIDL.load(path: examples + "/store/store.thrift"))
        } catch {
            printError("\(error)")
            throw ExitStatus.badInput
        }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let server: ThriftServer
        do {
            server = try await ThriftServer.start(
                host: backend.host, port: backend.port, handler: handler, group: group, logger: logger)
        } catch {
            printError("sluice demo: cannot listen on \(backend): \(error)")
            try? await group.shutdownGracefully()
            throw ExitStatus.backendFailure
        }
        let backendAddress = backend.with(port: server.port)
        print("sluice demo: backend listening on \(backendAddress) (every transport and protocol, detected per connection)")
        flushStandardOutput()

        var gateway: Gateway?
        var rewrittenRoutes: String?
        if !backendOnly {
            do {
                (gateway, rewrittenRoutes) = try await startDemoGateway(
                    backendAddress: backendAddress, group: group, logger: logger)
            } catch {
                try? await server.shutdown()
                try? await group.shutdownGracefully()
                throw error
            }
        }

        _ = await shutdown.wait()
        if let gateway { try? await gateway.shutdown() }
        if let rewrittenRoutes { DemoRoutes.remove(rewrittenRoutes) }
        try? await server.shutdown()
        try await group.shutdownGracefully()
    }

    /// The gateway over routes/, its endpoints pointed at the demo backend wherever it listens; also the
    /// temporary routes directory made for that, if one was.
    private func startDemoGateway(backendAddress: HostPort, group: MultiThreadedEventLoopGroup, logger: Logger)
        async throws -> (Gateway, String?)
    {
        guard let routes = PackagePaths.locate("routes") else {
            printError("sluice demo: no routes/ here or in the package root; run it from the repository")
            throw ExitStatus.badInput
        }
        let directory: String
        do {
            directory = try DemoRoutes.aimed(at: backendAddress, directory: routes)
        } catch {
            printError("sluice demo: cannot prepare routes for \(backendAddress): \(error)")
            throw ExitStatus.badInput
        }
        let temporary = directory == routes ? nil : directory
        let gateway: Gateway
        do {
            var configuration = Gateway.Configuration(
                host: listen.host, port: listen.port, routesDirectory: directory, websocket: WebSocketSettings(path: "/ws"),
                logLevel: logLevel, admin: .default)
            configuration.metrics = true
            gateway = try await startGateway(configuration, group: group, logger: logger)
        } catch {
            if let temporary { DemoRoutes.remove(temporary) }
            throw error
        }
        let base = "http://\(listen.with(port: gateway.localPort))"
        print("sluice demo: gateway listening on \(base) (\(gateway.currentConfiguration.routes.count) routes from \(routes))")
        if let port = gateway.adminPort {
            print("sluice demo: admin API on http://127.0.0.1:\(port) (/admin/routes, /admin/services, /admin/config, /readyz)")
        }
        print("")
        print(DemoCatalog.render(base: base), terminator: "")
        print(DemoCatalog.renderWebSocket(url: "ws://\(listen.with(port: gateway.localPort))/ws"), terminator: "")

        print("# end of examples; Ctrl-C stops the demo")
        flushStandardOutput()
        return (gateway, temporary)
    }
}
