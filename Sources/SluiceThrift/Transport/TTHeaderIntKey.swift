/// The integer keys of TTHeader's int-KV info block, numbered as Kitex's `metakey.go` declares them.
public struct TTHeaderIntKey: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let meshVersion = Self(0)
    /// `"framed"` or `"unframed"`: whether the payload inside the TTHeader carries its own length prefix.
    public static let transportType = Self(1)
    public static let logID = Self(2)
    public static let fromService = Self(3)
    public static let fromCluster = Self(4)
    public static let fromIDC = Self(5)
    public static let toService = Self(6)
    public static let toCluster = Self(7)
    public static let toIDC = Self(8)
    public static let toMethod = Self(9)
    public static let env = Self(10)
    public static let destAddress = Self(11)
    /// The caller's timeout in decimal milliseconds; a Kitex server makes it the handler's deadline.
    public static let rpcTimeout = Self(12)
    public static let readTimeout = Self(13)
    public static let ringHashKey = Self(14)
    public static let ddpTag = Self(15)
    public static let withMeshHeader = Self(16)
    public static let connectTimeout = Self(17)
    public static let spanContext = Self(18)
    public static let shortConnection = Self(19)
    public static let fromMethod = Self(20)
    public static let stressTag = Self(21)
    /// The Thrift message type as a decimal string (`"1"` call, `"2"` reply, ...).
    public static let msgType = Self(22)
    public static let httpContentType = Self(23)
    public static let rawRingHashKey = Self(24)
    public static let lbType = Self(25)
    public static let clusterShardID = Self(26)
    public static let frameType = Self(27)

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { String(rawValue) }
}

/// String keys Kitex gives a meaning to.
public enum TTHeaderStringKey {
    /// The IDL service name, used by a multi-service Kitex server to pick the service.
    public static let idlServiceName = "isn"
    /// The ACL info block (id 0x11) carries this key's value.
    public static let gdprToken = "RPC_TRANSIT_gdpr-token"
    /// Kitex's metainfo prefix for a transient value (one hop): obs-opentelemetry sends W3C trace context as
    /// `RPC_TRANSIT_traceparent` and `RPC_TRANSIT_tracestate`.
    public static let transientPrefix = "RPC_TRANSIT_"
}
