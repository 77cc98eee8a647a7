import NIOCore

/// Kitex's TTHeader frame header (magic `0x1000`).
///
/// Layout: `length:u32 | 0x1000:u16 | flags:u16 | seqID:i32 | headerWords:u16 | protocolID:u8 | transforms:u8 |
/// transform ids | info blocks | zero padding to 4 bytes | payload`.
public struct TTHeader: Sendable, Hashable {
    public static let magic: UInt16 = 0x1000
    /// Largest header section (`headerWords * 4`) Kitex accepts.
    public static let maxHeaderBytes = 262_140

    /// Protocol ids of the header's protocol byte. Kitex always writes `binary` and sniffs the payload instead.
    public enum ProtocolID {
        public static let binary: UInt8 = 0
        public static let compact: UInt8 = 2
        public static let compactV2: UInt8 = 3
        public static let protobuf: UInt8 = 4
    }

    /// Info block ids, in the order Kitex writes them.
    enum InfoID {
        static let padding: UInt8 = 0x00
        static let keyValue: UInt8 = 0x01
        static let intKeyValue: UInt8 = 0x10
        static let aclToken: UInt8 = 0x11
    }

    public var flags: UInt16
    /// The preamble's seq id; Kitex sets it to the message's seq id.
    public var sequenceID: Int32
    public var protocolID: UInt8
    /// Read and carried along; Kitex defines no transform and ignores them.
    public var transformIDs: [UInt8]
    public var intInfo: [TTHeaderIntKey: String]
    public var stringInfo: [String: String]
    /// The ACL info block (0x11), Kitex's `RPC_TRANSIT_gdpr-token`.
    public var aclToken: String?

    public init(
        flags: UInt16 = 0,
        sequenceID: Int32,
        protocolID: UInt8 = ProtocolID.binary,
        transformIDs: [UInt8] = [],
        intInfo: [TTHeaderIntKey: String] = [:],
        stringInfo: [String: String] = [:],
        aclToken: String? = nil
    ) {
        self.flags = flags
        self.sequenceID = sequenceID
        self.protocolID = protocolID
        self.transformIDs = transformIDs
        self.intInfo = intInfo
        self.stringInfo = stringInfo
        self.aclToken = aclToken
    }

    /// Whether a buffer holding at least 8 bytes starts a TTHeader frame (the u32 after the length is `0x1000xxxx`).
    public static func matches(_ buffer: ByteBuffer, at index: Int) -> Bool {
        buffer.getInteger(at: index + 4, as: UInt16.self) == magic
    }
}
