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

    public convenience init(configuration: ThriftClientConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.init(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger, lengthFinder: nil)
    }

    /// - Parameter lengthFinder: finds where an unframed (Buffered) reply ends; nil parses replies with
    ///   ``ThriftParsingLengthFinder``.
    public init(
        configuration: ThriftClientConfiguration,
        eventLoopGroup: any EventLoopGroup,
        logger: Logger,
        lengthFinder: (any ThriftMessageLengthFinder)?
    ) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "thrift.service"] = "\(configuration.serviceName)"
        // One TLS context for all of the client's connections: building one loads certificates and trust roots.
        let tlsContext = configuration.tls?.makeConnectionContext()
        if case .failure(let error) = tlsContext {
            logger.error("TLS setup failed; every call will fail", metadata: ["error": "\(error)"])
        }
        let settings = configuration.endpoints.map { endpoint in
            ConnectionSettings(
                endpoint: endpoint, transport: configuration.transport, protocolKind: configuration.protocolKind,
                serviceName: configuration.serviceName, maxFrameLength: configuration.maxFrameLength,
                lengthFinder: lengthFinder,
                requestByteBudget: configuration.transport == .theader ? RequestByteBudget.theader : nil,
                tls: tlsContext.map { context in
                    ConnectionTLS(context: context, serverHostname: configuration.tls?.serverHostname(for: endpoint))
                })
        }
        if configuration.transport.isMultiplexed {
            transport = MultiplexedCallTransport(
                settings: settings, connectionsPerEndpoint: configuration.connectionsPerEndpoint,
                connectTimeout: configuration.connectTimeout, group: eventLoopGroup, logger: logger)
        } else {
            transport = PooledCallTransport(
                settings: settings,
                pool: .init(
                    maxConnections: max(1, configuration.maxConnections),
                    maxIdleConnections: max(0, configuration.maxIdleConnections),
                    idleTimeout: configuration.idleTimeout),
                connectTimeout: configuration.connectTimeout, group: eventLoopGroup, logger: logger)
        }
    }

    /// Sends one call.
    ///
    /// - Parameters:
    ///   - arguments: the encoded `_args` struct body, in the configured protocol.
    ///   - timeout: the whole call's deadline (waiting for a connection included); nil uses the configured one.
    ///   - eventLoop: where the returned future completes.
    /// - Returns: the reply; for `oneway`, a `.oneway` reply with an empty body once the call is written.
    ///   Fails with ``ClientError``.
    public func call(
        method: String,
        oneway: Bool,
        arguments: ByteBuffer,
        timeout: TimeAmount?,
        cancellation: CallCancellation? = nil,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<ThriftReply> {
        let timeout = timeout ?? configuration.requestTimeout
        let promise = eventLoop.makePromise(of: ThriftReply.self)
        let call = OutboundCall(
            method: method, oneway: oneway, arguments: arguments, deadline: .now() + timeout, timeout: timeout,
            cancellation: cancellation)
        transport.send(call, promise: promise)
        return promise.futureResult
    }

    /// Closes every connection; calls still waiting fail, later calls fail with `.shutdown`.
    public func shutdown() async {
        await transport.shutdown()
    }
}
