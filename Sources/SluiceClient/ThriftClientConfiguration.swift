public import NIOCore
public import SluiceThrift

/// How a ``ThriftClient`` reaches one backend service.
public struct ThriftClientConfiguration: Sendable, Hashable {
    public var endpoints: [Endpoint]
    public var transport: ThriftTransportKind
    public var protocolKind: ThriftProtocolKind
    /// The IDL service name: TTHeader's `isn` string key and ToService int key.
    public var serviceName: String
    /// Default 1 s.
    public var connectTimeout: TimeAmount
    /// Per request, unless the call passes its own; default 1 s.
    public var requestTimeout: TimeAmount
    /// Multiplexed transports (TTHeader, THeader): connections per endpoint; default 2. Each is opened (lazily) on
    /// a home event loop of the client's group, spread so every loop reaches every endpoint; a call made on a loop
    /// that has connections uses them, without a thread hop.
    public var connectionsPerEndpoint: Int
    /// Framed/Buffered: idle connections per endpoint kept open past `idleTimeout`; default 10 (Kitex's
    /// `MaxIdlePerAddress`). A released connection is never closed for being one too many: only the idle timer
    /// closes a connection, so steady load opens no new ones.
    public var maxIdleConnections: Int
    /// Framed/Buffered: connections per endpoint (idle, busy or connecting); callers beyond wait in FIFO order
    /// and fail on their own timeout; default 64. Split evenly across the group's event loops, each of which
    /// pools the connections its callers use.
    public var maxConnections: Int
    /// Framed/Buffered: an idle connection beyond `maxIdleConnections` is closed once it has idled this long;
    /// default 60 s (nginx's `keepalive_timeout`, Kitex's documented `MaxIdleTimeout`).
    public var idleTimeout: TimeAmount
    /// Largest reply frame accepted; default 16384000 (Apache's).
    public var maxFrameLength: Int
    /// TLS to every endpoint, over any transport; nil (the default) is plain TCP.
    public var tls: ThriftClientTLS?
    /// The service as a cluster: weighted or discovered endpoints, a balancer, retries, hedging and outlier
    /// ejection (``ClusterConfiguration``); `endpoints` is then ignored. Nil (the default) spreads calls over
    /// `endpoints` round robin with no retry, as before.
    public var cluster: ClusterConfiguration?

    public init(
        endpoints: [Endpoint],
        transport: ThriftTransportKind = .ttheader,
        protocolKind: ThriftProtocolKind = .binary,
        serviceName: String,
        connectTimeout: TimeAmount = .seconds(1),
        requestTimeout: TimeAmount = .seconds(1),
        connectionsPerEndpoint: Int = 2,
        maxIdleConnections: Int = 10,
        maxConnections: Int = 64,
        idleTimeout: TimeAmount = .seconds(60),
        maxFrameLength: Int = FramedTransport.defaultMaxFrameLength,
        tls: ThriftClientTLS? = nil,
        cluster: ClusterConfiguration? = nil
    ) {
        self.endpoints = endpoints
        self.transport = transport
        self.protocolKind = protocolKind
        self.serviceName = serviceName
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.connectionsPerEndpoint = connectionsPerEndpoint
        self.maxIdleConnections = maxIdleConnections
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.maxFrameLength = maxFrameLength
        self.tls = tls
        self.cluster = cluster
    }
}
