package import NIOCore
internal import NIOTLS

/// The protocol the server picked by ALPN, seen as the TLS handshake completes: a client that offered only
/// `h2` must not speak HTTP/2 to a server that did not agree to it.
package final class NegotiatedProtocolRecorder: ChannelInboundHandler, RemovableChannelHandler {
    package typealias InboundIn = NIOAny

    package private(set) var negotiated: String?

    package init() {}

    package func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted(let negotiated) = event {
            self.negotiated = negotiated
        }
        context.fireUserInboundEventTriggered(event)
    }
}

@available(*, unavailable)
extension NegotiatedProtocolRecorder: Sendable {}
