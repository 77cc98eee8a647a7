internal import NIOCore
internal import NIOHPACK
internal import NIOHTTP2

/// WebSocket over an HTTP/2 stream (RFC 8441): an extended CONNECT with `:protocol: websocket` to the
/// WebSocket path is answered 200 and the stream then carries WebSocket frames to the same
/// ``WebSocketConnectionHandler`` an HTTP/1.1 upgrade gets. Offered (SETTINGS_ENABLE_CONNECT_PROTOCOL) only
/// when WebSocket is configured.
enum HTTP2WebSocket {
    /// What an extended CONNECT asks for, when the header block is one.
    enum Attempt {
        case accept
        case refuse(GatewayResponse)
    }

    /// `nil` when `block` is not an extended CONNECT for WebSocket.
    static func attempt(_ block: HPACKHeaders, settings: WebSocketSettings?) -> Attempt? {
        guard block.first(name: ":method") == "CONNECT", let proto = block.first(name: ":protocol") else { return nil }
        guard proto.lowercased() == "websocket" else {
            return .refuse(refusal(.badRequest, "unsupported :protocol '\(proto)' (this server speaks websocket)"))
        }
        let target = block.first(name: ":path") ?? ""
        let path = target.utf8.firstIndex(of: UInt8(ascii: "?")).map { target[..<$0] } ?? target[...]
        guard let settings, path == settings.path else {
            return .refuse(refusal(.routeNotFound, "no WebSocket endpoint at \(path)"))
        }
        if let refusal = WebSocketUpgrade.versionRefusal(block[canonicalForm: "sec-websocket-version"]) {
            return .refuse(refusal)
        }
        return .accept
    }

    private static func refusal(_ code: GatewayError.Code, _ message: String) -> GatewayResponse {
        GatewayError(code, message).response(allocator: ByteBufferAllocator())
    }

    /// Answers 200 and turns the stream into a WebSocket: `stream`'s request handler leaves, the byte adapter,
    /// the frame codec and the message handler take its place.
    static func accept(
        context: ChannelHandlerContext,
        replacing streamHandler: any RemovableChannelHandler,
        settings: WebSocketSettings,
        idleTimeout: TimeAmount,
        scheme: String,
        handler: any GatewayRequestHandler
    ) throws {
        let headers = HPACKHeaders([(":status", "200"), ("server", "sluice"), ("sec-websocket-version", "13")])
        context.writeAndFlush(NIOAny(HTTP2Frame.FramePayload.headers(.init(headers: headers, endStream: false))), promise: nil)
        let pipeline = context.pipeline.syncOperations
        try pipeline.addHandler(HTTP2StreamBytesHandler())
        try WebSocketConnectionHandler.addHandlers(to: pipeline, settings: settings, idleTimeout: idleTimeout, scheme: scheme, handler: handler)
        pipeline.removeHandler(streamHandler, promise: nil)
    }
}
