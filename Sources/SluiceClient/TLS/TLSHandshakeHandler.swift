internal import NIOCore
internal import NIOTLS

/// Reports how its channel's TLS handshake ended, then leaves the pipeline: a connected channel's reads pass
/// one handler fewer.
///
/// A connection is handed to callers only once the handshake succeeded, so a refused certificate is a connect
/// failure. Each channel has its own handler and promise: a host name may resolve to several addresses, each
/// tried on a channel of its own, and a losing attempt's close must not fail the winner's handshake.
final class TLSHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    /// Made when the handler joins a pipeline, whose teardown always completes it; later completions are
    /// ignored by NIO.
    private var handshake: EventLoopPromise<Void>?
    private let endpoint: Endpoint
    /// What the certificate must name: the server name, else the endpoint's host (an IP address is checked
    /// against the certificate's IP SANs).
    private let expectedName: String

    init(endpoint: Endpoint, serverHostname: String?) {
        self.endpoint = endpoint
        self.expectedName = serverHostname ?? endpoint.host
    }

    /// Succeeds when the handshake does; fails with a ``ClientError`` saying why it did not.
    var handshakeDone: EventLoopFuture<Void>? { handshake?.futureResult }

    func handlerAdded(context: ChannelHandlerContext) {
        handshake = context.eventLoop.makePromise()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            handshake?.succeed(())
            context.fireUserInboundEventTriggered(event)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let reason = TLSFailureReason.describe(error, expectedName: expectedName)
        handshake?.fail(ClientError(.connectFailed, "TLS handshake with \(endpoint) failed: \(reason)"))
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        handshake?.fail(ClientError(.connectFailed, "\(endpoint) closed the connection during the TLS handshake"))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        handshake?.fail(ClientError(.connectFailed, "connection to \(endpoint) was torn down during the TLS handshake"))
    }
}
