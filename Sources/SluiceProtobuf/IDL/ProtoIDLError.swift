/// Where in a `.proto` file (or a descriptor set) something is. Columns count Unicode scalars from 1;
/// a line of 0 means the place has no text position (a descriptor set, a file that cannot be read).
public struct ProtoSourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { line > 0 ? "\(file):\(line):\(column)" : file }
}

/// A problem in `.proto` text or a descriptor set: where it is and what is wrong.
///
/// Every failure of ``ProtoLoader`` is one of these; bad input never traps.
public struct ProtoIDLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: ProtoSourceLocation
    /// A sentence, e.g. `"Foo" is not defined` or `expected ';' but found '}'`.
    public var message: String

    public init(location: ProtoSourceLocation, message: String) {
        self.location = location
        self.message = message
    }

    /// `file:line:column: message`, the format compilers and editors understand.
    public var description: String { "\(location): \(message)" }
}
