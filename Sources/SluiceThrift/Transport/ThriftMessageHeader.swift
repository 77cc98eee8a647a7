import NIOCore

/// The envelope in front of every Thrift message: method name, message type and sequence id.
public struct ThriftMessageHeader: Sendable, Hashable {
    public var name: String
    public var type: ThriftMessageType
    public var sequenceID: Int32

    public init(name: String, type: ThriftMessageType, sequenceID: Int32) {
        self.name = name
        self.type = type
        self.sequenceID = sequenceID
    }
}

extension ThriftMessageHeader {
    /// Strict Binary's version word without the type byte.
    static let binaryVersion: UInt32 = 0x8001_0000
    static let compactProtocolID: UInt8 = 0x82
    static let compactVersion: UInt8 = 1

    /// The protocol a message is written in, judged by its first two bytes; nil when it is neither (or too short).
    public static func detectProtocol(in buffer: ByteBuffer, at index: Int? = nil) -> ThriftProtocolKind? {
        let index = index ?? buffer.readerIndex
        guard let first = buffer.getInteger(at: index, as: UInt8.self),
            let second = buffer.getInteger(at: index + 1, as: UInt8.self)
        else { return nil }
        if first == 0x80 && second == 0x01 { return .binary }
        if first == compactProtocolID && second & 0x1F == compactVersion { return .compact }
        return nil
    }
}
