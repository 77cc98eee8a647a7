internal import Logging
internal import NIOCore
internal import NIOSSL
internal import SluiceThrift

extension HealthProbe {
    /// Probes `endpoint` on `eventLoop` (the checker's, where this is called); the future is true when the
    /// probe passed, and never fails: a refused connect, a timeout, a closed connection are all `false`.
    func run(
        _ endpoint: Endpoint, timeout: TimeAmount, tlsContext: Result<NIOSSLContext, ClientError>?,
        on eventLoop: any EventLoop, attempt: ProbeAttempt, logger: Logger
    ) -> EventLoopFuture<Bool> {
        let connectionTLS = tlsContext.map {
            ConnectionTLS(context: $0, serverHostname: tls?.serverHostname(for: endpoint))
        }
        let passed: EventLoopFuture<Bool>
        switch kind {
        case .tcp:
            passed = Self.connect(endpoint, tls: connectionTLS, timeout: timeout, on: eventLoop, attempt: attempt)
        case .thrift(let probe):
            passed = probe.call(endpoint, tls: connectionTLS, timeout: timeout, on: eventLoop, attempt: attempt)
        case .grpcHealth(let service):
            passed = GRPCHealthCheck(service: service).call(
                endpoint, tls: connectionTLS, timeout: timeout, on: eventLoop, attempt: attempt, logger: logger)
        case .httpPath(let probe):
            passed = probe.call(endpoint, tls: connectionTLS, timeout: timeout, on: eventLoop, attempt: attempt)
        }
        return passed.hop(to: eventLoop).recover { error in
            logger.debug("health probe failed", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
            return false
        }
    }

    private static func connect(
        _ endpoint: Endpoint, tls: ConnectionTLS?, timeout: TimeAmount, on eventLoop: any EventLoop,
        attempt: ProbeAttempt
    ) -> EventLoopFuture<Bool> {
        ClientChannel.connect(to: endpoint, tls: tls, connectTimeout: timeout, on: eventLoop) { _ in }
            .map { (channel: any Channel) -> Bool in
                channel.close(promise: nil)
                return true
            }
    }
}

extension ThriftMethodProbe {
    /// An empty `_args` struct: its STOP byte, the same in Binary and Compact.
    static let emptyArguments = ByteBuffer(bytes: [0x00])

    func call(
        _ endpoint: Endpoint, tls: ConnectionTLS?, timeout: TimeAmount, on eventLoop: any EventLoop,
        attempt: ProbeAttempt
    ) -> EventLoopFuture<Bool> {
        let deadline = NIODeadline.now() + timeout
        let settings = ConnectionSettings(
            endpoint: endpoint, transport: transport, protocolKind: protocolKind, serviceName: serviceName,
            maxFrameLength: maxFrameLength, lengthFinder: nil, tls: tls)
        let call = OutboundCall(
            method: method, oneway: false, arguments: Self.emptyArguments, deadline: deadline, timeout: timeout)
        return ThriftConnection.connect(settings: settings, connectTimeout: timeout, on: eventLoop, onReleased: nil)
            .hop(to: eventLoop)
            .flatMap { (connection: ThriftConnection) -> EventLoopFuture<ThriftReply> in
                attempt.onCancel { connection.close() }
                let reply = eventLoop.makePromise(of: ThriftReply.self)
                connection.send(call, promise: reply, retry: nil)
                return reply.futureResult.always { _ in connection.close() }
            }
            // A declared exception arrives as a REPLY; only EXCEPTION is the server's own failure.
            .map { (reply: ThriftReply) -> Bool in reply.messageType == .reply }
    }
}
