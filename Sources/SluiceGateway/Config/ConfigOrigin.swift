/// Where in a route file something was written, so later checks (duplicates, IDL lookups) can point at it.
public struct ConfigOrigin: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    func diagnostic(_ message: String) -> ConfigDiagnostic {
        ConfigDiagnostic(file: file, line: line, column: column, message: message)
    }
}
