/// One problem in a route file or an IDL it names, as `file:line:col: message`.
///
/// Positions are 1-based, as editors and `sluice check` print them. A diagnostic without a useful position
/// (an unreadable directory) uses line 0 / column 0 and prints only `file: message`.
public struct ConfigDiagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        line > 0 ? "\(file):\(line):\(column): \(message)" : "\(file): \(message)"
    }
}

/// Every problem found while loading a routes directory; thrown by ``RouteConfigLoader/load(directory:includeDirectories:)``.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [ConfigDiagnostic]

    public init(_ diagnostics: [ConfigDiagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
