import NIOCore

/// Apache Thrift's THeader frame header (magic `0x0FFF`).
///
/// Same 14-byte preamble as TTHeader; the header section holds varints: protocol id, transform count and ids,
/// then info blocks (only KEYVALUE, id 1, exists).
public struct THeader: Sendable, Hashable {
    public static let magic: UInt16 = 0x0FFF

    /// A payload transform. Only ZLIB is implemented anywhere; the others exist in the spec alone.
    public struct Transform: RawRepresentable, Sendable, Hashable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let zlib = Transform(rawValue: 1)
        public static let hmac = Transform(rawValue: 2)
        public static let snappy = Transform(rawValue: 3)
    }

    /// How the header section is padded to a 4-byte multiple. Readers accept all of them.
    public enum Padding: Sendable, Hashable {
        /// `(4 - n % 4) % 4` zero bytes (Python, and Go in effect).
        case minimal
        /// `4 - n % 4` zero bytes: an aligned header gets 4 extra (Apache C++).
        case alwaysSome
    }

    public var flags: UInt16
    public var sequenceID: Int32
    public var protocolKind: ThriftProtocolKind
    public var transforms: [Transform]
    public var info: [String: String]
    public var padding: Padding

    public init(
        flags: UInt16 = 0,
        sequenceID: Int32,
        protocolKind: ThriftProtocolKind = .binary,
        transforms: [Transform] = [],
        info: [String: String] = [:],
        padding: Padding = .minimal
    ) {
        self.flags = flags
        self.sequenceID = sequenceID
        self.protocolKind = protocolKind
        self.transforms = transforms
        self.info = info
        self.padding = padding
    }

    /// Whether a buffer holding at least 8 bytes starts a THeader frame.
    public static func matches(_ buffer: ByteBuffer, at index: Int) -> Bool {
        buffer.getInteger(at: index + 4, as: UInt16.self) == magic
    }

    static func protocolID(_ kind: ThriftProtocolKind) -> UInt64 {
        switch kind {
        case .binary: 0
        case .compact: 2
        }
    }
}
