import NIOCore
import SluiceJSON

/// Why a JSON document could not become Thrift, or Thrift bytes could not become JSON.
public struct TranscodeError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The JSON is not well formed (``offset`` says where).
        case syntax
        case wrongType
        case missingRequired
        case outOfRange
        /// A union with zero or several fields set.
        case unionFieldCount
        /// A JSON field the struct does not declare, with `strict` on; or a binding to a field that does not exist.
        case unknownField
        case tooDeep
        /// The right JSON type with an unacceptable value (bad base64, unknown enum name, duplicate key, ...).
        case invalidValue
        /// The Thrift input is truncated or not a valid encoding.
        case malformedThrift
    }

    public var kind: Kind
    /// JSON path of the offending value: `$.req.items[3].name` (`$` is the arguments object or the document).
    public var path: String
    /// Byte offset in the JSON input, when the error is in JSON: the offending value, or for a missing
    /// required field or a union's field count, the `{` of the object concerned.
    public var offset: Int?
    /// What was wrong, as a sentence fragment: "expected i32 but found string".
    public var message: String

    public init(_ kind: Kind, path: String = "$", offset: Int? = nil, _ message: String) {
        self.kind = kind
        self.path = path
        self.offset = offset
        self.message = message
    }

    public var description: String {
        if let offset {
            return "\(path): \(message) (at byte \(offset))"
        }
        return "\(path): \(message)"
    }

    init(_ error: JSONError) {
        self.init(error.kind == .tooDeep ? .tooDeep : .syntax, offset: error.offset, error.message)
    }

    init(_ error: ThriftProtocolError) {
        self.init(error.kind == .tooDeep ? .tooDeep : .malformedThrift, "\(error.message) at Thrift byte \(error.offset)")
    }

    // The path is assembled while the error propagates, so the success path never builds strings.

    func under(field name: String) -> TranscodeError {
        var copy = self
        copy.path = "$." + name + path.dropFirst()
        return copy
    }

    func under(index: Int) -> TranscodeError {
        var copy = self
        copy.path = "$[\(index)]" + path.dropFirst()
        return copy
    }

    func under(key: String) -> TranscodeError {
        var copy = self
        var quoted = JSONWriter(buffer: .init())
        quoted.string(key)
        copy.path = "$[" + String(buffer: quoted.buffer) + "]" + path.dropFirst()
        return copy
    }
}
