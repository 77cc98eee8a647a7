import NIOCore
import SluiceJSON

/// Why JSON could not become protobuf, or protobuf bytes could not become JSON.
public struct ProtobufTranscodeError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The JSON is not well formed (``offset`` says where).
        case syntax
        case wrongType
        /// A proto2 `required` field is absent.
        case missingRequired
        case outOfRange
        /// Two members of one oneof are set.
        case oneofConflict
        /// A JSON field the message does not declare, with `strict` on; or an `Any` of an unknown type.
        case unknownField
        case tooDeep
        /// The right JSON type with an unacceptable value (bad base64, unknown enum name, duplicate field, ...).
        case invalidValue
        /// The protobuf input is truncated or not a valid encoding (``path`` names the field being read).
        case malformedProtobuf
        /// Two parts of a request set one field: a query parameter and the body, or a query parameter and a
        /// path parameter (the message names both).
        case conflict
    }

    public var kind: Kind
    /// JSON path of the offending value (`$.a.b[2]`) for JSON input; the field path for protobuf input and
    /// for a bound value (`$.order.customerId`, by JSON names).
    public var path: String
    /// Byte offset in the JSON input (the offending value, or the `{` of the object concerned), or in the
    /// protobuf input for malformed bytes.
    public var offset: Int?
    public var message: String

    public init(_ kind: Kind, path: String = "$", offset: Int? = nil, _ message: String) {
        self.kind = kind
        self.path = path
        self.offset = offset
        self.message = message
    }

    public var description: String {
        if let offset { return "\(path): \(message) (at byte \(offset))" }
        return "\(path): \(message)"
    }

    init(_ error: JSONError) {
        self.init(error.kind == .tooDeep ? .tooDeep : .syntax, offset: error.offset, error.message)
    }

    // The path is assembled while the error propagates, so the success path never builds strings.

    func under(field name: String) -> ProtobufTranscodeError {
        var copy = self
        copy.path = "$." + name + path.dropFirst()
        return copy
    }

    func under(index: Int) -> ProtobufTranscodeError {
        var copy = self
        copy.path = "$[\(index)]" + path.dropFirst()
        return copy
    }

    func under(key: String) -> ProtobufTranscodeError {
        var copy = self
        var quoted = JSONWriter(buffer: ByteBuffer())
        quoted.string(key)
        copy.path = "$[" + String(buffer: quoted.buffer) + "]" + path.dropFirst()
        return copy
    }
}
