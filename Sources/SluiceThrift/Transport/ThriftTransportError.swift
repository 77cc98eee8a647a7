/// A frame or message envelope that could not be read or written.
///
/// `offset` is the byte position inside the frame (or the buffered stream) where the problem was found, so a
/// hex dump of a captured frame can be matched against the message.
public struct ThriftTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// A length prefix (or a buffered message) beyond the configured limit.
        case frameTooLarge
        /// The bytes match none of the transports this reader accepts.
        case unrecognizedTransport
        /// A TTHeader/THeader preamble or header section that breaks the format.
        case malformedHeader
        /// A TTHeader info block id that Kitex does not define (Kitex fails on it too).
        case unknownInfoID
        /// A protocol id or payload that is neither strict Binary nor Compact.
        case unsupportedProtocol
        /// A THeader transform other than ZLIB.
        case unsupportedTransform
        /// A message header (version, type, name, seq id) that cannot be read.
        case malformedMessageHeader
        /// zlib refused the data.
        case compression
        /// A value too long for its length field (TTHeader strings are limited to 65535 bytes).
        case valueTooLong
    }

    public var kind: Kind
    public var offset: Int?
    public var message: String

    public init(_ kind: Kind, offset: Int? = nil, _ message: String) {
        self.kind = kind
        self.offset = offset
        self.message = message
    }

    public var description: String {
        if let offset { return "\(message) (at byte \(offset))" }
        return message
    }
}
