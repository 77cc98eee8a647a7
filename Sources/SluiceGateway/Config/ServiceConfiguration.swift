public import NIOCore
public import SluiceThrift
public import SluiceClient

/// One backend service from a route file's `services:` list.
///
/// A reload reuses the running client of a service whose client settings (endpoints, transport, codec,
/// timeouts, pool, TLS, and the resilience settings in `cluster`) are unchanged.
public struct ServiceConfiguration: Sendable, Hashable {
    /// Long-connection pool limits per endpoint for `framed` and `buffered` (one request in flight per
    /// connection); the defaults are ``ThriftClientConfiguration``'s.
    public struct Pool: Sendable, Hashable {
        /// Idle connections kept open past `idleTimeout`; default 10.
        public var maxIdle: Int
        /// Connections open at once, idle or busy; default 64.
        public var maxTotal: Int
        /// How long an idle connection beyond `maxIdle` stays open; default 60 s.
        public var idleTimeout: TimeAmount

        public init(maxIdle: Int = 10, maxTotal: Int = 64, idleTimeout: TimeAmount = .seconds(60)) {
            self.maxIdle = maxIdle
            self.maxTotal = maxTotal
            self.idleTimeout = idleTimeout
        }
    }

    /// The HTTP version a `protocol: http` service is spoken to in.
    public enum UpstreamHTTPVersion: Sendable, Hashable {
        /// HTTP/1.1, pooled, one request per connection at a time.
        case http1
        /// HTTP/2 with prior knowledge over cleartext (`h2c: true`, http:// endpoints).
        case h2c
        /// HTTP/2 over TLS, agreed by ALPN (`h2: true`, https:// endpoints).
        case h2

        public var isHTTP2: Bool { self != .http1 }
    }

    /// What the service speaks (`protocol:`): Thrift or gRPC calls made from JSON, or HTTP proxied as it is.
    public enum Kind: Sendable, Hashable {
        case thrift
        /// `protocol: grpc`: unary calls made from JSON through `.proto` descriptors (``GRPCSettings``).
        case grpc
        /// `protocol: http`: no IDL; its routes' requests and responses stream through unchanged (Proxy/).
        case http
    }

    public var name: String
    public var kind: Kind = .thrift
    /// The IDL path as resolved against the route file's directory.
    public var idlPath: String
    public var transport: ThriftTransportKind
    public var protocolKind: ThriftProtocolKind
    /// The static endpoints' addresses (empty with `discovery:`); their weights are in `cluster.endpoints`.
    public var endpoints: [SluiceClient.Endpoint]
    /// How calls spread over the endpoints and what happens when one fails (`balancer`, `retry`, `hedge`,
    /// `outlier`, `health_check`, `slow_start`, weighted `endpoints` or `discovery`); by default the
    /// `endpoints` with weight 1 and every policy at its default.
    public var cluster: ClusterConfiguration
    /// What `balancer: consistent_hash` hashes (`hash_key:`); nil for every other balancer.
    public var hashKey: HashKeySource?
    /// Per-request timeout, the overall one of all attempts together; default 1 s.
    public var requestTimeout: TimeAmount
    /// Default 1 s.
    public var connectTimeout: TimeAmount
    /// Connections per endpoint for the multiplexed transports (`ttheader`, `theader`) and gRPC's HTTP/2;
    /// default 2.
    public var connectionsPerEndpoint: Int
    public var pool: Pool
    /// Generate routes from the IDL's annotations: Thrift's `api.*`, protobuf's `google.api.http`.
    public var routesFromIDL: Bool
    /// TLS to the endpoints (`tls:`, or an http service's `https://` endpoints); nil is plain TCP.
    public var tls: ThriftClientTLS?
    /// What an http service speaks upstream (`h2c: true`, `h2: true`); default HTTP/1.1.
    public var upstreamHTTP: UpstreamHTTPVersion = .http1
    /// The field an http service's proxied requests carry the gateway's wait for the response in, in
    /// milliseconds (`deadline_header:`); nil sends none.
    public var deadlineHeader: String?
    /// What only `protocol: grpc` services set.
    public var grpc = GRPCSettings()
    public var origin: ConfigOrigin

    public init(
        name: String,
        idlPath: String,
        transport: ThriftTransportKind = .ttheader,
        protocolKind: ThriftProtocolKind = .binary,
        endpoints: [SluiceClient.Endpoint],
        requestTimeout: TimeAmount = .seconds(1),
        connectTimeout: TimeAmount = .seconds(1),
        connectionsPerEndpoint: Int = 2,
        pool: Pool = Pool(),
        routesFromIDL: Bool = false,
        tls: ThriftClientTLS? = nil,
        origin: ConfigOrigin
    ) {
        self.name = name
        self.idlPath = idlPath
        self.transport = transport
        self.protocolKind = protocolKind
        self.endpoints = endpoints
        self.cluster = ClusterConfiguration(endpoints: endpoints.map { WeightedEndpoint($0) })
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.connectionsPerEndpoint = connectionsPerEndpoint
        self.pool = pool
        self.routesFromIDL = routesFromIDL
        self.tls = tls
        self.origin = origin
    }
}
