internal import NIOCore
internal import NIOHTTP2

/// Turns one HTTP/2 stream into a plain byte channel for what runs over it after an extended CONNECT
/// (RFC 8441: WebSocket frames): DATA payloads in, DATA frames out. The client ending its side of the
/// stream ends the tunnel; closing the tunnel ends the stream with an empty DATA frame (END_STREAM).
final class HTTP2StreamBytesHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = HTTP2Frame.FramePayload

    private var sentEnd = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .data(let data):
            if case .byteBuffer(let bytes) = data.data, bytes.readableBytes > 0 {
                context.fireChannelRead(wrapInboundOut(bytes))
            }
            if data.endStream { context.close(promise: nil) }
        case .headers(let headers):
            // Trailers end the stream; nothing else may follow the CONNECT's headers.
            if headers.endStream { context.close(promise: nil) }
        default:
            break
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let bytes = unwrapOutboundIn(data)
        context.write(wrapOutboundOut(.data(.init(data: .byteBuffer(bytes), endStream: false))), promise: promise)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard !sentEnd, context.channel.isActive else { return context.close(mode: mode, promise: promise) }
        sentEnd = true
        // END_STREAM rather than RST_STREAM: what was written before the close still arrives.
        let ended = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.data(.init(data: .byteBuffer(ByteBuffer()), endStream: true))), promise: ended)
        ended.futureResult.assumeIsolated().whenComplete { _ in context.close(mode: mode, promise: promise) }
    }
}

@available(*, unavailable)
extension HTTP2StreamBytesHandler: Sendable {}
