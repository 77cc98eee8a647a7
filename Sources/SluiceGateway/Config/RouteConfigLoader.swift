internal import Foundation
internal import SluiceThrift

/// Reads every `*.yaml` file of a routes directory, loads the IDLs they name and checks each route against
/// them. Every problem is reported with its `file:line:col`, not just the first.
public enum RouteConfigLoader {
    /// Loads and validates `directory` against IDLs loaded by `schemaLoader`.
    /// - Throws: ``ConfigErrors`` listing every problem.
    public static func load(
        directory: String,
        includeDirectories: [String] = [],
        schemaLoader: SchemaLoader = .thriftIDL
    ) throws(ConfigErrors) -> GatewayConfiguration {
        let (configuration, diagnostics) = build(directory: directory, includeDirectories: includeDirectories, schemaLoader: schemaLoader)
        guard let configuration, diagnostics.isEmpty else { throw ConfigErrors(diagnostics) }
        return configuration
    }

    /// Every problem in `directory`; empty when it would load.
    public static func check(
        directory: String,
        includeDirectories: [String] = [],
        schemaLoader: SchemaLoader = .thriftIDL
    ) -> [ConfigDiagnostic] {
        build(directory: directory, includeDirectories: includeDirectories, schemaLoader: schemaLoader).diagnostics
    }

    static func build(
        directory: String,
        includeDirectories: [String],
        schemaLoader: SchemaLoader
    ) -> (configuration: GatewayConfiguration?, diagnostics: [ConfigDiagnostic]) {
        var diagnostics: [ConfigDiagnostic] = []
        let files = readFiles(directory: directory, diagnostics: &diagnostics)
        var validation = RouteValidation(includeDirectories: includeDirectories, schemaLoader: schemaLoader)
        for file in files {
            validation.addServices(of: file)
        }
        for file in files {
            validation.addRoutes(of: file)
        }
        validation.addGeneratedRoutes()
        diagnostics.append(contentsOf: validation.diagnostics)
        guard diagnostics.isEmpty else { return (nil, diagnostics) }
        return (validation.configuration, [])
    }

    /// Parses the directory's `*.yaml` files in name order.
    private static func readFiles(directory: String, diagnostics: inout [ConfigDiagnostic]) -> [RouteFile] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") }
                .sorted()
        } catch {
            diagnostics.append(ConfigDiagnostic(file: directory, line: 0, column: 0, message: "cannot read the routes directory"))
            return []
        }
        guard !names.isEmpty else {
            diagnostics.append(ConfigDiagnostic(file: directory, line: 0, column: 0, message: "no *.yaml route files"))
            return []
        }
        var files: [RouteFile] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                diagnostics.append(ConfigDiagnostic(file: path, line: 0, column: 0, message: "cannot read the file"))
                continue
            }
            guard let text = String(validating: data, as: UTF8.self) else {
                diagnostics.append(ConfigDiagnostic(file: path, line: 0, column: 0, message: "the file is not UTF-8"))
                continue
            }
            files.append(RouteFile.parse(text: text, path: path, diagnostics: &diagnostics))
        }
        return files
    }
}
