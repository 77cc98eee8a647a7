package import NIOCore
internal import NIOPosix
internal import NIOSSL

/// The socket under a client connection (Thrift's, gRPC's): connected, and with TLS through a completed
/// handshake, before it is used. (The gateway's HTTP upstreams can connect through it too.)
package enum ClientChannel {
    /// Connects to `endpoint`. With `tls`, NIOSSL's client handler and the handshake watcher come first in the
    /// pipeline, then `initialize` adds the protocol's handlers; the channel is handed out once the handshake is
    /// done, within the same `connectTimeout`. Failures are ``ClientError``s: `.connectTimeout` past the time,
    /// else `.connectFailed` with the reason.
    package static func connect(
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
                    throw ClientError(
                        .connectTimeout,
                        "connecting to \(endpoint) timed out after \(connectTimeout.nanoseconds / 1_000_000) ms")
                }
                throw ClientError(.connectFailed, "cannot connect to \(endpoint): \(error)")
            }
        guard context != nil else { return connected }
        return connected.flatMap { channel in
            ConnectionTLS.handshake(of: channel, endpoint: endpoint, deadline: deadline, timeout: connectTimeout)
        }
    }
}
