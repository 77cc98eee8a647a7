internal import NIOCore
internal import NIOTLS

/// The protocol the server picked by ALPN, seen as the TLS handshake completes: a client that offered only
/// `h2` must not speak HTTP/2 to a server that did not agree to it.
final class NegotiatedProtocolRecorder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private(set) var negotiated: String?

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted(let negotiated) = event {
            self.negotiated = negotiated
        }
        context.fireUserInboundEventTriggered(event)
    }
}

@available(*, unavailable)
extension NegotiatedProtocolRecorder: Sendable {}
