/// Bytes that are not a valid Binary or Compact encoding, with the offset where reading failed.
public struct ThriftProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The input ended inside a value; more bytes may complete it.
        case truncated
        /// A type code that does not exist.
        case invalidType
        /// A negative length or container size.
        case negativeSize
        /// A length or size beyond the configured limit.
        case tooLarge
        /// Structs and containers nested beyond the limit.
        case tooDeep
        /// A message header with the wrong protocol id or version.
        case badVersion
        /// A varint longer than its type allows.
        case invalidVarint
    }

    public var kind: Kind
    /// Offset from the start of the bytes being read.
    public var offset: Int
    public var message: String

    public init(_ kind: Kind, at offset: Int, _ message: String) {
        self.kind = kind
        self.offset = offset
        self.message = message
    }

    public var description: String { "\(message) at byte \(offset)" }
}
