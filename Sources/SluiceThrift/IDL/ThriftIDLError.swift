/// A problem in a Thrift IDL file: where it is, and what the parser expected instead.
///
/// Every failure of ``ThriftIDL`` is one of these; a bad IDL never traps.
public struct ThriftIDLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `file:line:column` of the offending token. Columns count Unicode scalars, starting at 1.
    public var location: SourceLocation
    /// A sentence saying what was expected, e.g. `expected '}' to close struct 'Request' but found 'servce'`.
    public var message: String

    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }

    /// `file:line:column: message`, the format compilers and editors understand.
    public var description: String { "\(location): \(message)" }
}
