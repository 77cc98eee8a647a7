internal import Foundation
internal import SluiceThrift

/// One route file: its YAML text and the path it is reported under (relative `idl:` paths resolve against
/// that path's directory). A directory is one source of these; a watched key-value prefix can be another.
public struct RouteDocument: Sendable, Hashable {
    public var path: String
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}

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
        guard diagnostics.isEmpty else { throw ConfigErrors(diagnostics, notes: configuration.notes) }
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

    /// Loads and validates route files that did not come from a directory.
    /// - Throws: ``ConfigErrors`` listing every problem.
    public static func load(
        documents: [RouteDocument],
        includeDirectories: [String] = [],
        schemaLoader: SchemaLoader = .thriftIDL
    ) throws(ConfigErrors) -> GatewayConfiguration {
        var diagnostics: [ConfigDiagnostic] = []
        let configuration = build(documents: documents, includeDirectories: includeDirectories, schemaLoader: schemaLoader, diagnostics: &diagnostics)
        guard diagnostics.isEmpty else { throw ConfigErrors(diagnostics, notes: configuration.notes) }
        return configuration
    }

    static func build(
        directory: String,
        includeDirectories: [String],
        schemaLoader: SchemaLoader
    ) -> (configuration: GatewayConfiguration, diagnostics: [ConfigDiagnostic]) {
        var diagnostics: [ConfigDiagnostic] = []
        let documents = readDocuments(directory: directory, diagnostics: &diagnostics)
        let configuration = build(documents: documents, includeDirectories: includeDirectories, schemaLoader: schemaLoader, diagnostics: &diagnostics)
        return (configuration, diagnostics)
    }

    /// What was built, usable only when `diagnostics` is empty; its notes count either way.

    private static func build(
        documents: [RouteDocument],
        includeDirectories: [String],
        schemaLoader: SchemaLoader,
        diagnostics: inout [ConfigDiagnostic]
    ) -> GatewayConfiguration {
        let files = documents.map { RouteFile.parse(text: $0.text, path: $0.path, diagnostics: &diagnostics) }
        var validation = RouteValidation(includeDirectories: includeDirectories, schemaLoader: schemaLoader)
        for file in files {
            validation.addServices(of: file)
        }
        for file in files {
            validation.addRoutes(of: file)
        }
        validation.addGeneratedRoutes()
        validation.addGeneratedGRPCRoutes()
        // Rules name routes and methods, so they come once every route is known.
        validation.addFlowRules(of: files)
        diagnostics.append(contentsOf: validation.diagnostics)
        let configuration = validation.configuration
        let named = Set(configuration.pluginFiles.map { ($0 as NSString).standardizingPath })
        for file in files where file.isKeysFile && !named.contains((file.path as NSString).standardizingPath) {
            diagnostics.append(ConfigDiagnostic(
                file: file.path, line: 1, column: 1,
                message: "a keys file ('keys:') that no key_auth names in its keys_file; a route file has 'services' and 'routes'"))
        }
        return configuration
    }

    /// The directory's `*.yaml` files in name order.
    static func readDocuments(directory: String, diagnostics: inout [ConfigDiagnostic]) -> [RouteDocument] {
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
        var documents: [RouteDocument] = []
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
            documents.append(RouteDocument(path: path, text: text))
        }
        return documents
    }
}
