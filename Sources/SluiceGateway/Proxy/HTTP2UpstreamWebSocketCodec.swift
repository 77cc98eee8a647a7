internal import NIOCore
internal import NIOHPACK
internal import NIOHTTP1
internal import NIOHTTP2

/// An HTTP/2 upstream stream for a proxied WebSocket upgrade (RFC 8441): the exchange's HTTP/1.1-shaped upgrade
/// request goes out as an extended CONNECT, and the upstream's `2xx` comes back as the `101 Switching
/// Protocols` (with the `Sec-WebSocket-Accept` for the request's key) that an HTTP/1.1 upgrade would have
/// got, so neither the exchange nor the tunnel after it knows the upstream speaks HTTP/2. Any other answer is
/// passed on as a response. The tunnel replaces this codec at the `101`.
final class HTTP2UpstreamWebSocketCodec: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias InboundOut = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTP2Frame.FramePayload

    /// Fields RFC 8441 leaves out of the CONNECT (`Host` is `:authority`; the key has no HTTP/2 counterpart)
    /// besides the connection-specific ones HTTP/2 forbids.
    private static let dropped: [String] = [
        "host", "sec-websocket-key", "connection", "upgrade", "keep-alive", "proxy-connection", "transfer-encoding",
        "te", "content-length",
    ]

    private let scheme: String
    private var key: String?
    private var sawHead = false

    init(scheme: String) {
        self.scheme = scheme
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            key = head.headers.first(name: "sec-websocket-key")
            context.write(wrapOutboundOut(.headers(.init(headers: connectBlock(head), endStream: false))), promise: promise)
        case .body(.byteBuffer(let bytes)):
            context.write(wrapOutboundOut(.data(.init(data: .byteBuffer(bytes)))), promise: promise)
        case .body:
            promise?.succeed()
        case .end:
            // The CONNECT's stream stays open: it carries the WebSocket once accepted.
            promise?.succeed()
        }
    }

    private func connectBlock(_ head: HTTPRequestHead) -> HPACKHeaders {
        var block = HPACKHeaders()
        block.reserveCapacity(head.headers.count + 5)
        block.add(name: ":method", value: "CONNECT")
        block.add(name: ":protocol", value: "websocket")
        block.add(name: ":scheme", value: scheme)
        block.add(name: ":path", value: head.uri)
        if let host = head.headers.first(name: "host") { block.add(name: ":authority", value: host) }
        for field in head.headers where !Self.dropped.contains(where: { field.name.equalsIgnoringASCIICase($0) }) {
            block.add(name: field.name.lowercased(), value: field.value)
        }
        return block
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let headers) where !sawHead:
            guard let status = headers.headers.first(name: ":status").flatMap(Int.init), status >= 200 else { return }
            sawHead = true
            var fields = HTTPHeaders(headers.headers.filter { !$0.name.hasPrefix(":") }.map { ($0.name, $0.value) })
            guard status < 300 else {
                context.fireChannelRead(wrapInboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: fields))))
                if headers.endStream { context.fireChannelRead(wrapInboundOut(.end(nil))) }
                return
            }
            fields.add(name: "Connection", value: "Upgrade")
            fields.add(name: "Upgrade", value: "websocket")
            if let key { fields.add(name: "Sec-WebSocket-Accept", value: WebSocketKey.accept(for: key)) }
            context.fireChannelRead(wrapInboundOut(.head(HTTPResponseHead(version: .http1_1, status: .switchingProtocols, headers: fields))))
            context.fireChannelRead(wrapInboundOut(.end(nil)))
        case .headers(let trailers):
            let fields = HTTPHeaders(trailers.headers.map { ($0.name, $0.value) })
            if trailers.endStream { context.fireChannelRead(wrapInboundOut(.end(fields))) }
        case .data(let data):
            if case .byteBuffer(let bytes) = data.data, bytes.readableBytes > 0 {
                context.fireChannelRead(wrapInboundOut(.body(bytes)))
            }
            if data.endStream { context.fireChannelRead(wrapInboundOut(.end(nil))) }
        default:
            break
        }
    }
}

@available(*, unavailable)
extension HTTP2UpstreamWebSocketCodec: Sendable {}
