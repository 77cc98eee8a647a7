internal import NIOCore
internal import NIOTLS

/// Completes `handshake` when the TLS handshake does, or fails it with why it did not, then leaves the
/// pipeline: a connected channel's reads pass one handler fewer.
///
/// A connection is handed to callers only once this succeeds, so a refused certificate is a connect failure.
final class TLSHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let handshake: EventLoopPromise<Void>
    private let endpoint: Endpoint
    /// What the certificate must name: the server name, else the endpoint's host (an IP address is checked
    /// against the certificate's IP SANs).
    private let expectedName: String

    /// - Parameter handshake: completed exactly once; later completions are ignored by NIO.
    init(handshake: EventLoopPromise<Void>, endpoint: Endpoint, serverHostname: String?) {
        self.handshake = handshake
        self.endpoint = endpoint
        self.expectedName = serverHostname ?? endpoint.host
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            handshake.succeed(())
            context.fireUserInboundEventTriggered(event)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let reason = TLSFailureReason.describe(error, expectedName: expectedName)
        handshake.fail(ClientError(.connectFailed, "TLS handshake with \(endpoint) failed: \(reason)"))
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        handshake.fail(ClientError(.connectFailed, "\(endpoint) closed the connection during the TLS handshake"))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        handshake.fail(ClientError(.connectFailed, "connection to \(endpoint) was torn down during the TLS handshake"))
    }
}
