internal import NIOCore
internal import NIOPosix
internal import NIOSSL
internal import SluiceClient

/// The socket under an upstream connection, HTTP/1.1 (``UpstreamConnection``) or HTTP/2
/// (``HTTP2UpstreamConnection``): connected, and with `tls` through a completed handshake, before it is used.
enum UpstreamChannel {
    /// Connects to `endpoint`. With `tls`, NIOSSL's client handler comes first in the pipeline, then
    /// `initialize` adds the protocol's handlers, and the channel is handed out once the handshake is done
    /// (within the same `connectTimeout`). Failures are ``ClientError``s, `.connectTimeout` past the time.
    static func connect(
        to endpoint: Endpoint,
        tls: ConnectionTLS?,
        connectTimeout: TimeAmount,
        on eventLoop: any EventLoop,
        initialize: @escaping @Sendable (ChannelPipeline.SynchronousOperations) throws -> Void
    ) -> EventLoopFuture<any Channel> {
        let deadline = NIODeadline.now() + connectTimeout
        let context: NIOSSLContext?
        do {
            context = try tls?.context.get()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        let connected = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let context {
                        try ConnectionTLS.addHandlers(
                            to: pipeline, context: context, serverHostname: tls?.serverHostname, endpoint: endpoint)
                    }
                    try initialize(pipeline)
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .flatMapErrorThrowing { error in
                if let error = error as? ChannelError, case .connectTimeout = error {
                    throw ClientError(.connectTimeout, "connecting to \(endpoint) timed out")
                }
                throw ClientError(.connectFailed, "cannot connect to \(endpoint): \(error)")
            }
        guard context != nil else { return connected }
        return connected.flatMap { channel in
            ConnectionTLS.handshake(of: channel, endpoint: endpoint, deadline: deadline, timeout: connectTimeout)
        }
    }
}
