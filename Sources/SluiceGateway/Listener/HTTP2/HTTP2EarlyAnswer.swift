internal import NIOCore
internal import NIOHTTP2

/// A stream answered before its request ended (413, 408, a refused CONNECT, a proxied response that finished
/// first): once the answer's last frame has left, RST_STREAM NO_ERROR tells the client to stop sending
/// (RFC 9113 §8.1). Closing the stream channel alone would say CANCEL, which clients such as curl report as
/// a failed transfer even though the response arrived whole.
enum HTTP2EarlyAnswer {
    static func stopRequest(on context: ChannelHandlerContext) {
        context.writeAndFlush(NIOAny(HTTP2Frame.FramePayload.rstStream(.noError)), promise: nil)
        context.close(promise: nil)
    }
}
