/// The Thrift protocol a payload is written in.
public enum ThriftProtocolKind: String, Sendable, Hashable, CaseIterable {
    /// Strict Binary (`0x8001` message header).
    case binary
    case compact
}

/// How Thrift messages are delimited on a connection.
public enum ThriftTransportKind: String, Sendable, Hashable, CaseIterable {
    /// Kitex's TTHeader (magic 0x1000); multiplexed.
    case ttheader
    /// Apache Thrift's THeader (magic 0x0FFF); multiplexed.
    case theader
    /// A 4-byte length before each message.
    case framed
    /// The message alone; its end is found by parsing it.
    case buffered

    /// Whether many requests may be in flight on one connection, matched by seq id.
    public var isMultiplexed: Bool { self == .ttheader || self == .theader }
}

/// Thrift message types.
public enum ThriftMessageType: UInt8, Sendable, Hashable {
    case call = 1
    case reply = 2
    case exception = 3
    case oneway = 4
}
