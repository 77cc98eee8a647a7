import Logging
import NIOCore
import SluiceGateway

/// Starts the gateway over `routesDirectory`, printing every route-file problem as `file:line:col: message`
/// (exit 1), or a listener failure (exit 2).
func startGateway(
    routesDirectory: String, includeDirectories: [String], listen: HostPort, logLevel: Logger.Level,
    group: any EventLoopGroup, logger: Logger
) async throws -> Gateway {
    let configuration = Gateway.Configuration(
        host: listen.host, port: listen.port, routesDirectory: routesDirectory,
        includeDirectories: includeDirectories, logLevel: logLevel)
    do {
        return try await Gateway.start(configuration: configuration, group: group, logger: logger)
    } catch let errors as ConfigErrors {
        for diagnostic in errors.diagnostics {
            printError(diagnostic.description)
        }
        throw ExitStatus.badInput
    } catch {
        printError("sluice: cannot listen on \(listen): \(error)")
        throw ExitStatus.backendFailure
    }
}
