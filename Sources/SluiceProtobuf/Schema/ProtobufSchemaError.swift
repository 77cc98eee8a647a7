/// Why a set of file descriptors could not become a ``ProtobufSchema``.
public struct ProtobufSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// A field or method names a type no file defines.
        case unresolvedType
        /// Two definitions share a full name.
        case duplicateName
        /// A field's declaration cannot be used: a bad `[default = ...]`, a map entry without key and value, ...
        case invalidField
    }

    public var kind: Kind
    /// The full name of the element at fault: `pkg.Message.field`, `pkg.Service.Method`.
    public var element: String
    public var message: String

    public init(_ kind: Kind, element: String, _ message: String) {
        self.kind = kind
        self.element = element
        self.message = message
    }

    public var description: String { "\(element): \(message)" }
}
