import SluiceGateway

/// Loads a routes directory for `run` and `demo`, printing every problem as `file:line:col: message`.
func loadRoutes(directory: String, includeDirectories: [String]) throws -> GatewayConfiguration {
    do {
        return try RouteConfigLoader.load(
            directory: directory, includeDirectories: includeDirectories, schemaLoader: .thriftIDL)
    } catch {
        for diagnostic in error.diagnostics {
            printError(diagnostic.description)
        }
        throw ExitStatus.badInput
    }
}
