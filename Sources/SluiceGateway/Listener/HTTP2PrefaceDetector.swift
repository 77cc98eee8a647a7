internal import NIOCore

/// On a cleartext listener, tells HTTP/2 with prior knowledge (a connection that opens with the client
/// preface, RFC 9113 §3.4) from HTTP/1.1 by the first bytes, then installs the chosen pipeline behind
/// itself, passes on what it read and steps aside. A connection that sends nothing decisive within the
/// idle timeout is closed.
final class HTTP2PrefaceDetector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    enum WireProtocol { case http1, http2 }

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    private var buffered: ByteBuffer?
    private var decided = false
    private let idleTimeout: TimeAmount
    private var timer: Scheduled<Void>?
    private let configure: (WireProtocol, any Channel) throws -> Void

    init(idleTimeout: TimeAmount, configure: @escaping (WireProtocol, any Channel) throws -> Void) {
        self.idleTimeout = idleTimeout
        self.configure = configure
    }

    /// `.http2` once `bytes` are the whole preface, `.http1` at the first byte that differs, else `nil`.
    static func detect(_ bytes: ByteBufferView) -> WireProtocol? {
        for (index, byte) in zip(preface.indices, bytes) where preface[index] != byte {
            return .http1
        }
        return bytes.count >= preface.count ? .http2 : nil
    }

    func handlerAdded(context: ChannelHandlerContext) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: idleTimeout) { context.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !decided else { return context.fireChannelRead(data) }
        var incoming = unwrapInboundIn(data)
        if buffered == nil {
            buffered = incoming
        } else {
            buffered?.writeBuffer(&incoming)
        }
        guard let bytes = buffered, let chosen = Self.detect(bytes.readableBytesView) else { return }
        decided = true
        timer?.cancel()
        timer = nil
        do {
            try configure(chosen, context.channel)
        } catch {
            context.close(promise: nil)
            return
        }
        buffered = nil
        context.fireChannelRead(wrapInboundOut(bytes))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Shutting down before the client said anything: nothing is owed.
        if event is ChannelShouldQuiesceEvent, !decided {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}

@available(*, unavailable)
extension HTTP2PrefaceDetector: Sendable {}
