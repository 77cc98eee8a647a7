package import NIOCore
package import NIOSSL

/// How a client channel (a Thrift connection, or the gateway's HTTP upstream connections) gets its TLS: the
/// handlers its initializer adds first, and the handshake that must finish before the connection is handed out.
extension ConnectionTLS {
    /// Adds NIOSSL's client handler and the handshake watcher at the front of `pipeline`.
    package static func addHandlers(
        to pipeline: ChannelPipeline.SynchronousOperations,
        context: NIOSSLContext,
        serverHostname: String?,
        endpoint: Endpoint
    ) throws {
        try pipeline.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverHostname))
        try pipeline.addHandler(TLSHandshakeHandler(endpoint: endpoint, serverHostname: serverHostname))
    }

    /// `channel` once its TLS handshake is done; a handshake still going at `deadline` fails and closes it.
    /// Failures are ``ClientError``s: `.connectTimeout` past the deadline, else `.connectFailed` with the reason.
    package static func handshake(
        of channel: any Channel,
        endpoint: Endpoint,
        deadline: NIODeadline,
        timeout: TimeAmount
    ) -> EventLoopFuture<any Channel> {
        guard let handshake = try? channel.pipeline.syncOperations.handler(type: TLSHandshakeHandler.self).handshakeDone
        else {
            // The handler leaves the pipeline when the handshake completes, and with it when the channel closes.
            return channel.isActive
                ? channel.eventLoop.makeSucceededFuture(channel)
                : channel.eventLoop.makeFailedFuture(
                    ClientError(.connectFailed, "\(endpoint) closed the connection during the TLS handshake"))
        }
        let result = channel.eventLoop.makePromise(of: Void.self)
        handshake.cascade(to: result)
        let timer = channel.eventLoop.scheduleTask(deadline: deadline) {
            result.fail(
                ClientError(
                    .connectTimeout,
                    "TLS handshake with \(endpoint) did not finish within \(timeout.nanoseconds / 1_000_000) ms"))
        }
        return result.futureResult.map { () -> any Channel in
            timer.cancel()
            return channel
        }.flatMapErrorThrowing { error in
            timer.cancel()
            channel.close(promise: nil)
            throw error
        }
    }
}
