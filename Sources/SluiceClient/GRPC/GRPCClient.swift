// Built directly on NIOHTTP2, not on grpc-swift-2's transport. The gateway's request walk runs on the client
// connection's event loop without async hops, and what decides is the CPU each call costs on that loop:
// grpc-swift-2's client API is structured-concurrency based (a task per call, executor hops per call), while
// here a call made on a loop is a stream on a connection of that same loop, with no lock and no hop. The gRPC
// wire format this needs (length-prefixed messages, `grpc-status` trailers, `grpc-timeout`) is small; NIOHTTP2
// does the HTTP/2 (framing, HPACK, flow control).

public import Logging
public import NIOCore
internal import NIOSSL

/// A gRPC client for one backend service: HTTP/2 connections per endpoint, calls multiplexed on them as
/// streams, deadlines, cancellation, keepalive.
///
/// Calls take and return bytes: the encoded request message in, the response message out; the client writes
/// the length prefix and the HTTP/2 request and knows nothing of protobuf or JSON. Each event loop of the
/// group has its own connections (see ``GRPCShard``); a call runs on the loop it is made on.
///
/// With a `cluster` configuration, calls go through an ``EndpointCluster``: its balancer picks each attempt's
/// endpoint, whose own one-endpoint client carries it; unary calls are retried and hedged as the policy says.
public final class GRPCClient: Sendable {
    public let configuration: GRPCClientConfiguration
    private let shards: [GRPCShard]
    private let choice: ShardChoice
    /// Set when the configuration has a `cluster`; `shards` is empty then.
    let cluster: EndpointCluster<GRPCWire>?
    /// The open connections of its shards (a one-endpoint client's, in a cluster).
    let connections = ConnectionGauge()

    /// - Parameter endpointSource: with a `cluster`, where its endpoints come from instead of
    ///   `cluster.discovery` (a test's); started here and stopped by ``shutdown()``.
    public convenience init(
        configuration: GRPCClientConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger,
        endpointSource: (any EndpointSource)? = nil
    ) {
        var logger = logger
        logger[metadataKey: "grpc.endpoints"] = "\(configuration.cluster?.endpoints.map(\.endpoint) ?? configuration.endpoints)"
        // One TLS context for all of the client's connections: building one loads certificates and trust roots.
        let tlsContext = configuration.tls?.makeConnectionContext(applicationProtocols: ["h2"])
        if case .failure(let error) = tlsContext {
            logger.error("TLS setup failed; every call will fail", metadata: ["error": "\(error)"])
        }
        self.init(
            configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger, tlsContext: tlsContext,
            endpointSource: endpointSource)
    }

    private init(
        configuration: GRPCClientConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger,
        tlsContext: Result<NIOSSLContext, ClientError>?, endpointSource: (any EndpointSource)?
    ) {
        self.configuration = configuration
        if let clusterConfiguration = configuration.cluster {
            self.shards = []
            self.choice = ShardChoice(loops: [], shards: 0)
            self.cluster = EndpointCluster(
                serviceName: configuration.serviceName, configuration: clusterConfiguration,
                source: endpointSource ?? clusterConfiguration.discovery.map { $0.makeSource(group: eventLoopGroup, logger: logger) },
                healthProbe: clusterConfiguration.healthCheck.map { _ in .grpcHealth(service: "", tls: configuration.tls) },
                group: eventLoopGroup, logger: logger
            ) { endpoint in
                var single = configuration
                single.endpoints = [endpoint]
                single.cluster = nil
                var endpointLogger = logger
                endpointLogger[metadataKey: "grpc.endpoint"] = "\(endpoint)"
                return GRPCClient(
                    configuration: single, eventLoopGroup: eventLoopGroup, logger: endpointLogger, tlsContext: tlsContext,
                    endpointSource: nil)
            }
            return
        }
        self.cluster = nil
        let targets = configuration.endpoints.map { endpoint in
            let serverHostname = configuration.tls?.serverHostname(for: endpoint)
            return GRPCShard.Target(
                endpoint: endpoint,
                tls: tlsContext.map { ConnectionTLS(context: $0, serverHostname: serverHostname) },
                authority: configuration.authority ?? serverHostname ?? endpoint.description)
        }
        var loops = Array(eventLoopGroup.makeIterator())
        if loops.isEmpty { loops = [eventLoopGroup.next()] }
        let gauge = connections
        self.shards = loops.map { loop in
            GRPCShard(targets: targets, configuration: configuration, eventLoop: loop, logger: logger, connections: gauge)
        }
        self.choice = ShardChoice(loops: loops, shards: loops.count)
    }

    /// Sends one unary call.
    ///
    /// - Parameters:
    ///   - path: `/package.Service/Method`.
    ///   - message: the encoded request message (without gRPC's length prefix).
    ///   - metadata: sent as headers, names lower-cased; a `-bin` name's value is sent base64-encoded (its
    ///     UTF-8 bytes); names the client sets itself (`content-type`, `te`, `grpc-timeout`, ...) and
    ///     pseudo-headers are left out.
    ///   - timeout: the whole call's deadline (waiting for a connection or a stream included), sent as
    ///     `grpc-timeout`; at it the call fails with `.requestTimeout` and its stream is reset.
    ///   - cancellation: cancelling fails the call with `.cancelled` and resets its stream.
    ///   - eventLoop: where the call runs, when it is one of the group's, and where the future completes.
    /// - Returns: the reply, whatever its status; fails with a ``ClientError`` when there is no gRPC answer
    ///   (no connection, the deadline, a reset stream, a response that breaks the protocol or has no status).
    public func call(
        path: String,
        message: ByteBuffer,
        metadata: [(String, String)] = [],
        timeout: TimeAmount,
        cancellation: CallCancellation? = nil,
        policy: CallPolicyOverride? = nil,
        hashKey: UInt64? = nil,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<GRPCReply> {
        let promise = eventLoop.makePromise(of: GRPCReply.self)
        start(path, message, metadata, timeout, cancellation, promise, onMessage: nil, started: nil, policy: policy, hashKey: hashKey)
        return promise.futureResult
    }

    /// Makes the call on its shard's loop; `started` gets it there first (the streaming calls' handles), or
    /// with `startedWhenOpen` once its stream opened: an attempt of a cluster's, which another may replace
    /// until then.
    func start(
        _ path: String, _ message: ByteBuffer?, _ metadata: [(String, String)], _ timeout: TimeAmount,
        _ cancellation: CallCancellation?, _ promise: EventLoopPromise<GRPCReply>,
        onMessage: (@Sendable (ByteBuffer) -> Void)?, started: (@Sendable (GRPCPendingCall) -> Void)?,
        startedWhenOpen: Bool = false, policy: CallPolicyOverride? = nil, hashKey: UInt64? = nil
    ) {
        if let cluster {
            let call = GRPCClusterCall(
                path: path, message: message, metadata: metadata, timeout: timeout, cancellation: cancellation,
                onMessage: onMessage, started: started)
            return cluster.send(call, policy: policy, hashKey: hashKey, promise: promise)
        }
        let shard = shards[choice.index(for: promise.futureResult.eventLoop)]
        let deadline = NIODeadline.now() + timeout
        let call = GRPCPendingCall(
            path: path, message: message, metadata: metadata, deadline: deadline, timeout: timeout,
            onMessage: onMessage, opened: startedWhenOpen ? started : nil, promise: promise, eventLoop: shard.eventLoop)
        let startedNow = startedWhenOpen ? nil : started
        // The common case, a call made on its shard's loop, starts at once, with no closure to allocate.
        guard shard.eventLoop.inEventLoop else {
            return shard.eventLoop.execute { Self.begin(call, on: shard, cancellation, startedNow) }
        }
        Self.begin(call, on: shard, cancellation, startedNow)
    }

    private static func begin(
        _ call: GRPCPendingCall, on shard: GRPCShard, _ cancellation: CallCancellation?,
        _ started: (@Sendable (GRPCPendingCall) -> Void)?
    ) {
        call.arm(cancellation: cancellation)
        started?(call)
        shard.start(call)
    }

    /// Closes every connection; calls still running fail, later calls fail with `.shutdown`.
    /// Each endpoint's standing; nil without a `cluster` configuration (see `ThriftClient.endpointStatuses`).
    public func endpointStatuses() async -> [EndpointStatus]? { await cluster?.statuses() }

    /// Without a cluster, its open connections; with one, nil (``endpointStatuses()`` say them per endpoint).
    public var openConnections: Int? { cluster == nil ? connections.value : nil }

    public func shutdown() async {
        if let cluster { return await cluster.shutdown() }
        var open: [GRPCConnection] = []
        for shard in shards {
            // Fails if the group is already shut down, and with it every connection on it.
            if let connections = try? await shard.eventLoop.submit({ shard.shutdown() }).get() {
                open += connections
            }
        }
        // All at once: a TLS close waits (up to NIOSSL's shutdown timeout) for the server's close_notify, which
        // gRPC servers do not always send.
        await withTaskGroup(of: Void.self) { group in
            for connection in open {
                group.addTask { try? await connection.channel.close() }
            }
        }
    }
}
