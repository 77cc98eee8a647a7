import ArgumentParser
import SluiceGateway
import SluiceThrift

/// `sluice check [DIR]`: validates route files and the IDLs they name without starting anything.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate route files and their IDLs; print every error as file:line:col: message."
    )

    @Argument(help: ArgumentHelp("The routes directory (default: routes/).", valueName: "dir"))
    var directory: String?

    @Option(name: .customLong("include-dir"), help: ArgumentHelp("Another directory to find IDL includes in.", valueName: "dir"))
    var includeDirectories: [String] = []

    func run() throws {
        let directory = directory ?? PackagePaths.locate("routes") ?? "routes"
        do {
            let configuration = try RouteConfigLoader.load(
                directory: directory, includeDirectories: includeDirectories, schemaLoader: .thriftIDL)
            // Warnings and notes do not fail the check: each is something the IDL's own compiler accepts too.
            for note in configuration.notes { print(note.description) }
            print("ok: \(configuration.routes.count) routes, \(configuration.services.count) services")
        } catch {
            for diagnostic in error.diagnostics + error.notes {
                print(diagnostic.description)
            }
            let count = error.diagnostics.count
            printError("\(count) error\(count == 1 ? "" : "s") in \(directory)")
            throw ExitStatus.badInput
        }
    }
}
