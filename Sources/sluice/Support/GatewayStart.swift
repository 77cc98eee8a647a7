import Logging
import NIOCore
import SluiceGateway

/// Starts the gateway, printing every route-file problem as `file:line:col: message` (exit 1), or a
/// listener failure (exit 2).
func startGateway(_ configuration: Gateway.Configuration, group: any EventLoopGroup, logger: Logger) async throws -> Gateway {
    do {
        return try await Gateway.start(configuration: configuration, group: group, logger: logger)
    } catch let errors as ConfigErrors {
        for diagnostic in errors.diagnostics {
            printError(diagnostic.description)
        }
        throw ExitStatus.badInput
    } catch let error as ListenerSetupError {
        printError("sluice: \(error)")
        throw ExitStatus.badInput
    } catch {
        let addresses = configuration.listeners.map(\.address.description).joined(separator: ", ")
        printError("sluice: cannot listen on \(addresses): \(error)")
        throw ExitStatus.backendFailure
    }
}

/// Loads a gateway config file for `run`/`check`, printing every problem in it (exit 1).
func loadGatewayFile(_ path: String) throws -> GatewayFile {
    do {
        return try GatewayFile.load(path: path)
    } catch {
        for diagnostic in error.diagnostics { printError(diagnostic.description) }
        let count = error.diagnostics.count
        printError("\(count) error\(count == 1 ? "" : "s") in \(path)")
        throw ExitStatus.badInput
    }
}
