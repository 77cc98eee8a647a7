public import NIOCore

/// How a ``GRPCClient`` reaches one backend service.
public struct GRPCClientConfiguration: Sendable, Hashable {
    public var endpoints: [Endpoint]
    /// HTTP/2 connections per endpoint on each event loop the client is called on; streams are multiplexed on
    /// them up to the server's SETTINGS_MAX_CONCURRENT_STREAMS, and calls beyond wait (until their deadline)
    /// for a stream. Default 1.
    public var connectionsPerEndpoint: Int
    /// TLS (ALPN offering only `h2`) to every endpoint; nil (the default) is h2c, HTTP/2 over plain TCP.
    public var tls: ThriftClientTLS?
    /// TCP connect plus TLS handshake; default 1 s.
    public var connectTimeout: TimeAmount
    /// A PING this often on a connection with open streams; nil sends none. Default 30 s (gRPC servers refuse
    /// PINGs more often than every 5 minutes only on connections without calls).
    public var keepaliveInterval: TimeAmount?
    /// A connection whose PING is not acknowledged within this is closed, failing its calls; default 10 s.
    public var keepaliveTimeout: TimeAmount
    /// Largest response message accepted; default 4 MiB (gRPC's default receive limit).
    public var maxMessageSize: Int
    /// `:authority`; nil uses the TLS server name, else the endpoint's `host:port`.
    public var authority: String?
    public var userAgent: String
    /// Balancing, retries, hedging, outlier ejection and health checks over the endpoints (which then come
    /// from `cluster.endpoints` or its discovery, not `endpoints`); nil sends round robin, one attempt.
    public var cluster: ClusterConfiguration?
    /// The service's name in the cluster's errors and logs.
    public var serviceName: String

    public init(
        endpoints: [Endpoint],
        connectionsPerEndpoint: Int = 1,
        tls: ThriftClientTLS? = nil,
        connectTimeout: TimeAmount = .seconds(1),
        keepaliveInterval: TimeAmount? = .seconds(30),
        keepaliveTimeout: TimeAmount = .seconds(10),
        maxMessageSize: Int = 4 * 1024 * 1024,
        authority: String? = nil,
        userAgent: String = "sluice-grpc",
        cluster: ClusterConfiguration? = nil,
        serviceName: String = "grpc"
    ) {
        self.endpoints = endpoints
        self.connectionsPerEndpoint = connectionsPerEndpoint
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.keepaliveInterval = keepaliveInterval
        self.keepaliveTimeout = keepaliveTimeout
        self.maxMessageSize = maxMessageSize
        self.authority = authority
        self.userAgent = userAgent
        self.cluster = cluster
        self.serviceName = serviceName
    }
}
