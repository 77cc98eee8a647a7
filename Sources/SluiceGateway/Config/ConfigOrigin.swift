public import SluiceThrift

/// Where in a route file something was written, so later checks (duplicates, IDL lookups) can point at it.
/// The same value the IDL parser uses for `.thrift` positions.
public typealias ConfigOrigin = SourceLocation

extension SourceLocation {
    func diagnostic(_ message: String) -> ConfigDiagnostic {
        ConfigDiagnostic(file: file, line: line, column: column, message: message)
    }
}
