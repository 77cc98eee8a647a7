import ArgumentParser
import Logging
import NIOPosix
import SluiceGateway
import SluiceThrift

/// `sluice check [DIR]`: validates route files and the IDLs they name without starting anything.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate route files and their IDLs; print every error as file:line:col: message."
    )

    @Argument(help: ArgumentHelp("The routes directory (default: routes/).", valueName: "dir"))
    var directory: String?

    @Option(help: ArgumentHelp("A gateway config file: checks it and the route files it names.", valueName: "file"))
    var config: String?

    @Option(name: .customLong("include-dir"), help: ArgumentHelp("Another directory to find IDL includes in.", valueName: "dir"))
    var includeDirectories: [String] = []

    func validate() throws {
        if config != nil && directory != nil {
            throw ValidationError("--config cannot be combined with a routes directory: the config file names it")
        }
    }

    func run() async throws {
        var fileErrors: [ConfigDiagnostic] = []
        var directory: String? = directory ?? PackagePaths.locate("routes") ?? "routes"
        if let config {
            // The route files are checked too when the config names them, so one run shows every error.
            let (file, diagnostics) = GatewayFile.read(path: config)
            fileErrors = diagnostics
            directory = file.routesDirectory.isEmpty ? nil : file.routesDirectory
        }
        var errors = fileErrors
        var notes: [ConfigDiagnostic] = []
        var counts = ""
        if let directory {
            do {
                // `idl: reflection` services are asked, so their routes are checked against what they serve.
                let reflected = await RouteConfigLoader.fetchReflected(
                    directory: directory, group: MultiThreadedEventLoopGroup.singleton, logger: quietLogger())
                let configuration = try RouteConfigLoader.load(
                    directory: directory, includeDirectories: includeDirectories,
                    schemaLoader: SchemaLoader.thriftIDL.withReflected(reflected))
                notes = configuration.notes
                counts = "\(configuration.routes.count) routes, \(configuration.services.count) services"
            } catch {
                errors += error.diagnostics
                notes = error.notes
            }
        }
        // Warnings and notes do not fail the check: each is something the IDL's own compiler accepts too.
        for diagnostic in errors + notes { print(diagnostic.description) }
        guard errors.isEmpty else {
            let count = errors.count
            printError("\(count) error\(count == 1 ? "" : "s") in \(config ?? directory ?? "")")
            throw ExitStatus.badInput
        }
        print("ok: \(counts)")
    }

    private func quietLogger() -> Logger {
        var logger = Logger(label: "sluice.check")
        logger.logLevel = .critical
        return logger
    }
}
