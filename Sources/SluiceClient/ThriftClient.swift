public import Logging
public import NIOCore
public import SluiceThrift

/// A Thrift client for one backend service: connections, multiplexing or pooling, deadlines.
///
/// Calls take and return bytes: the encoded `_args` struct body in, the `_result` (or TApplicationException)
/// struct body out. The client writes the message header (with a per-connection seq id never reused while in
/// flight) and the transport's framing; it knows nothing of JSON or IDL.
public final class ThriftClient: Sendable {
    public let configuration: ThriftClientConfiguration
    private let transport: any ThriftCallTransport
    /// Set when the configuration has a `cluster`; then also `transport`.
    private let cluster: ServiceCluster?

    public convenience init(configuration: ThriftClientConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.init(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger, lengthFinder: nil)
    }

    /// - Parameters:
    ///   - lengthFinder: finds where an unframed (Buffered) reply ends; nil parses replies with
    ///     ``ThriftParsingLengthFinder``.
    ///   - endpointSource: with a `cluster`, where its endpoints come from instead of `cluster.discovery` (a
    ///     source the caller built, or a test's); started here and stopped by ``shutdown()``.
    public init(
        configuration: ThriftClientConfiguration,
        eventLoopGroup: any EventLoopGroup,
        logger: Logger,
        lengthFinder: (any ThriftMessageLengthFinder)?,
        endpointSource: (any EndpointSource)? = nil
    ) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "thrift.service"] = "\(configuration.serviceName)"
        // One TLS context for all of the client's connections: building one loads certificates and trust roots.
        let tlsContext = configuration.tls?.makeConnectionContext()
        if case .failure(let error) = tlsContext {
            logger.error("TLS setup failed; every call will fail", metadata: ["error": "\(error)"])
        }
        let settings: @Sendable (Endpoint) -> ConnectionSettings = { endpoint in
            ConnectionSettings(
                endpoint: endpoint, transport: configuration.transport, protocolKind: configuration.protocolKind,
                serviceName: configuration.serviceName, maxFrameLength: configuration.maxFrameLength,
                lengthFinder: lengthFinder,
                requestByteBudget: configuration.transport == .theader ? RequestByteBudget.theader : nil,
                tls: tlsContext.map { context in
                    ConnectionTLS(context: context, serverHostname: configuration.tls?.serverHostname(for: endpoint))
                })
        }
        guard let clusterConfiguration = configuration.cluster else {
            transport = Self.transport(
                settings: configuration.endpoints.map(settings), configuration, eventLoopGroup, logger)
            cluster = nil
            return
        }
        let clientLogger = logger
        let cluster = ServiceCluster(
            serviceName: configuration.serviceName, configuration: clusterConfiguration,
            source: endpointSource
                ?? clusterConfiguration.discovery.map { $0.makeSource(group: eventLoopGroup, logger: logger) },
            healthProbe: clusterConfiguration.healthCheck.map { HealthProbe.thrift($0, client: configuration) },
            group: eventLoopGroup, logger: logger
        ) { endpoint in
            var endpointLogger = clientLogger
            endpointLogger[metadataKey: "thrift.endpoint"] = "\(endpoint)"
            return Self.transport(settings: [settings(endpoint)], configuration, eventLoopGroup, endpointLogger)
        }
        self.cluster = cluster
        transport = cluster
    }

    /// A transport over `settings`' endpoints: multiplexed for TTHeader and THeader, pooled otherwise.
    private static func transport(
        settings: [ConnectionSettings], _ configuration: ThriftClientConfiguration, _ group: any EventLoopGroup,
        _ logger: Logger
    ) -> any ThriftCallTransport {
        if configuration.transport.isMultiplexed {
            return MultiplexedCallTransport(
                settings: settings, connectionsPerEndpoint: configuration.connectionsPerEndpoint,
                connectTimeout: configuration.connectTimeout, group: group, logger: logger)
        }
        return PooledCallTransport(
            settings: settings,
            pool: .init(
                maxConnections: max(1, configuration.maxConnections),
                maxIdleConnections: max(0, configuration.maxIdleConnections),
                idleTimeout: configuration.idleTimeout),
            connectTimeout: configuration.connectTimeout, group: group, logger: logger)
    }

    /// Sends one call.
    ///
    /// - Parameters:
    ///   - arguments: the encoded `_args` struct body, in the configured protocol.
    ///   - timeout: the whole call's deadline (waiting for a connection and every retry included); nil uses
    ///     the configured one. A `policy` timeout wins over both.
    ///   - policy: with a `cluster`, the route's overrides of the service's timeout, retry and hedge settings;
    ///     ignored without one.
    ///   - hashKey: with a `cluster` whose balancer is `consistentHash`, the call's key (the gateway computes
    ///     it, e.g. ``BalancerHash/fnv1a64(_:)`` of a header); nil draws by weight.
    ///   - metainfo: Kitex transient metainfo for this call (the gateway's trace context): TTHeader string
    ///     info `RPC_TRANSIT_<key>`, THeader info headers; dropped by framed and buffered transports.
    ///   - eventLoop: where the returned future completes (and, with a `cluster`, whose balancer picks).
    /// - Returns: the reply; for `oneway`, a `.oneway` reply with an empty body once the call is written.
    ///   Fails with ``ClientError``.
    public func call(
        method: String,
        oneway: Bool,
        arguments: ByteBuffer,
        timeout: TimeAmount?,
        cancellation: CallCancellation? = nil,
        policy: CallPolicyOverride?,
        hashKey: UInt64? = nil,
        metainfo: [(key: String, value: String)] = [],
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<ThriftReply> {
        let promise = eventLoop.makePromise(of: ThriftReply.self)
        if let cluster {
            let timeout = policy?.timeout ?? timeout ?? configuration.requestTimeout
            let call = OutboundCall(
                method: method, oneway: oneway, arguments: arguments, deadline: .now() + timeout, timeout: timeout,
                cancellation: cancellation, metainfo: metainfo)
            cluster.send(call, policy: policy, hashKey: hashKey, promise: promise)
            return promise.futureResult
        }
        let timeout = timeout ?? configuration.requestTimeout
        let call = OutboundCall(
            method: method, oneway: oneway, arguments: arguments, deadline: .now() + timeout, timeout: timeout,
            cancellation: cancellation, metainfo: metainfo)
        transport.send(call, promise: promise)
        return promise.futureResult
    }

    /// ``call(method:oneway:arguments:timeout:cancellation:policy:hashKey:on:)`` with the service's own policy
    /// and no hash key; the gateway's `ThriftCaller` requirement.
    public func call(
        method: String,
        oneway: Bool,
        arguments: ByteBuffer,
        timeout: TimeAmount?,
        cancellation: CallCancellation? = nil,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<ThriftReply> {
        call(
            method: method, oneway: oneway, arguments: arguments, timeout: timeout, cancellation: cancellation,
            policy: nil, on: eventLoop)
    }

    /// Each endpoint's standing (health, ejection, attempts in flight); nil without a `cluster` configuration,
    /// whose one static endpoint has no standing to report.
    public func endpointStatuses() async -> [EndpointStatus]? { await cluster?.statuses() }

    /// Without a cluster, the open connections to its endpoint; with one, nil (``endpointStatuses()`` say them).
    public var openConnections: Int? { cluster == nil ? transport.connections?.value : nil }

    /// The cluster behind this client, for tests; nil without a `cluster` configuration.
    var serviceCluster: ServiceCluster? { cluster }

    /// Closes every connection; calls still waiting fail, later calls fail with `.shutdown`.
    public func shutdown() async {
        await transport.shutdown()
    }
}
