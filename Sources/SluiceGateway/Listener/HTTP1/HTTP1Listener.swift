internal import NIOCore
internal import NIOHTTP1

/// An HTTP/1.1 connection's pipeline: keep-alive, pipelining (responses in request order), chunked and
/// Content-Length bodies, 400 for unparsable requests, 413, 431, header (408) and idle timeouts, graceful shutdown.
enum HTTP1Listener {
    /// Requests one connection may have dispatched and unanswered; reading pauses at this many queued.
    static let maxPendingRequests = 16

    /// A connection's whole pipeline: NIO's llhttp-based request decoder, then the gateway's own connection
    /// handler, which writes finished response bytes (no NIO response encoder, pipelining, error or idle
    /// handler; ``HTTP1ConnectionHandler`` says why).
    static func configure(
        _ pipeline: ChannelPipeline.SynchronousOperations,
        handler: any GatewayRequestHandler,
        limits: ListenerLimits,
        websocket: WebSocketSettings? = nil,
        scheme: String = "http",
        maxPendingRequests: Int = maxPendingRequests
    ) throws {
        // The decoder counts the request line and header bytes as it parses them and fails with
        // `headerOverflow` past the limit (answered 431), before buffering more.
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderListSize = limits.maxHeaderBytes
        decoderLimits.maxHeaderFieldSize = limits.maxHeaderBytes
        // Bytes after a WebSocket upgrade request go on to the frame decoder when this one is removed.
        try pipeline.addHandler(
            ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes, limitConfiguration: decoderLimits)))
        try pipeline.addHandler(
            HTTP1ConnectionHandler(
                handler: handler,
                configuration: HTTP1ConnectionStateMachine.Configuration(
                    maxBodySize: limits.maxBodySize,
                    maxPendingRequests: maxPendingRequests,
                    idleTimeout: limits.idleTimeout,
                    headerTimeout: limits.headerTimeout,
                    webSocket: websocket
                ),
                scheme: scheme
            )
        )
    }
}
