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
    /// Warnings and notes of what did load (see ``GatewayConfiguration/notes``), so a failed check shows them too.
    public var notes: [ConfigDiagnostic]

    public init(_ diagnostics: [ConfigDiagnostic], notes: [ConfigDiagnostic] = []) {
        self.diagnostics = diagnostics
        self.notes = notes
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
