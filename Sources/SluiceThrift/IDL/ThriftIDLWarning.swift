/// Something in a Thrift IDL file that loads, as Apache Thrift loads it, but is probably a mistake.
public struct ThriftIDLWarning: Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }

    /// `file:line:column: warning: message`, as compilers print warnings.
    public var description: String { "\(location): warning: \(message)" }
}
