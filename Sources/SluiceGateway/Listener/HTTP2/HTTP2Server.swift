internal import NIOCore
internal import NIOHTTP2
internal import SluiceClient

/// An HTTP/2 connection's pipeline, after ALPN chose `h2` or the cleartext preface was seen. NIOHTTP2 does
/// the framing, HPACK, flow control and the defences a public edge needs; this sets their limits from the
/// listener's `http2:` and `limits:` and gives each stream an ``HTTP2StreamHandler``.
enum HTTP2Server {
    static func configure(
        _ channel: any Channel,
        limits: ListenerLimits,
        http2: HTTP2Limits,
        websocket: WebSocketSettings?,
        scheme: String = "http",
        handler: any GatewayRequestHandler
    ) throws {
        let connection = HTTP2ConnectionHandler(idleTimeout: limits.idleTimeout)
        let maxBodySize = limits.maxBodySize
        let idleTimeout = limits.idleTimeout
        let pipeline = channel.pipeline.syncOperations
        let clientAddress = channel.remoteAddress?.ipAddress
        let admission = NIOLoopBound(HTTP2StreamAdmission(limit: http2.maxConcurrentStreams), eventLoop: channel.eventLoop)
        try pipeline.addHandler(HTTP2FlushCoalescer())
        try pipeline.addHandler(HTTP2GoAwayWatcher())
        let http2Handler = NIOHTTP2Handler(
            mode: .server,
            eventLoop: channel.eventLoop,
            connectionConfiguration: connectionConfiguration(limits: limits, http2: http2),
            streamConfiguration: streamConfiguration(http2: http2),
            streamDelegate: connection.streamDelegate(on: channel.eventLoop)
        ) { stream in
            stream.eventLoop.makeCompletedFuture {
                guard try admission.value.admit(stream) else { return }
                try stream.pipeline.syncOperations.addHandler(
                    HTTP2StreamHandler(
                        handler: handler, maxBodySize: maxBodySize, idleTimeout: idleTimeout, websocket: websocket, scheme: scheme,
                        clientAddress: clientAddress))
            }
        }
        try pipeline.addHandler(http2Handler)
        try pipeline.addHandler(connection)
    }

    static func connectionConfiguration(
        limits: ListenerLimits, http2: HTTP2Limits
    ) -> NIOHTTP2Handler.ConnectionConfiguration {
        var configuration = NIOHTTP2Handler.ConnectionConfiguration()
        configuration.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: http2.maxConcurrentStreams),
            HTTP2Setting(parameter: .initialWindowSize, value: http2.initialWindow),
            HTTP2Setting(parameter: .maxFrameSize, value: http2.maxFrameSize),
            // The decoder refuses a header block past this as it decodes it, CONTINUATION frames included.
            HTTP2Setting(parameter: .maxHeaderListSize, value: limits.maxHeaderBytes),
            // RFC 8441: extended CONNECT, for WebSocket over a stream, to the WebSocket RPC path and to proxy
            // routes (which a reload may add to a running connection). Anywhere else it is answered 404.
            HTTP2Setting(parameter: .enableConnectProtocol, value: 1),
        ]
        configuration.targetWindowSize = http2.initialWindow
        return configuration
    }

    static func streamConfiguration(http2: HTTP2Limits) -> NIOHTTP2Handler.StreamConfiguration {
        var configuration = NIOHTTP2Handler.StreamConfiguration()
        configuration.targetWindowSize = http2.initialWindow
        configuration.streamResetFrameRateLimit.maximumCount = http2.maxResetsPerSecond
        configuration.streamResetFrameRateLimit.windowLength = .seconds(1)
        configuration.streamErrorRateLimit.maximumCount = http2.maxResetsPerSecond
        configuration.streamErrorRateLimit.windowLength = .seconds(1)
        return configuration
    }
}
