internal import NIOCore
internal import NIOPosix
internal import NIOSSL
internal import NIOTLS

/// One listening socket. Each connection gets the pipeline of the protocol it speaks: on TLS listeners
/// ALPN chooses `h2` or `http/1.1`; on cleartext ones the first bytes tell the HTTP/2 preface (h2c with
/// prior knowledge) from an HTTP/1.1 request. Either way the gateway's handler sees ``GatewayRequest``s.
enum Listener {
    static func bind(
        _ configuration: ListenerConfiguration,
        tls: NIOSSLContext?,
        group: any EventLoopGroup,
        limits: ListenerLimits,
        websocket: WebSocketSettings?,
        connections: ListenerConnections,
        handler: any GatewayRequestHandler
    ) -> EventLoopFuture<any Channel> {
        let http2 = configuration.http2
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                connections.add(channel)
                return channel.eventLoop.makeCompletedFuture {
                    let serve: (HTTP2PrefaceDetector.WireProtocol, any Channel) throws -> Void = { chosen, channel in
                        switch chosen {
                        case .http1:
                            try HTTP1Listener.configure(
                                channel.pipeline.syncOperations, handler: handler, limits: limits, websocket: websocket,
                                scheme: tls == nil ? "http" : "https")
                        case .http2:
                            try HTTP2Server.configure(
                                channel, limits: limits, http2: http2, websocket: websocket,
                                scheme: tls == nil ? "http" : "https", handler: handler)
                        }
                    }
                    if let tls {
                        try configureTLS(channel, context: tls, handshakeTimeout: limits.headerTimeout, serve: serve)
                    } else {
                        try channel.pipeline.syncOperations.addHandler(
                            HTTP2PrefaceDetector(idleTimeout: limits.idleTimeout, configure: serve))
                    }
                }
            }
            .bind(host: configuration.address.host, port: configuration.address.port)
    }

    /// TLS, then ALPN: `h2` gets HTTP/2, anything else (including no ALPN at all) HTTP/1.1. The handshake
    /// must finish within `handshakeTimeout`, like a request head.
    private static func configureTLS(
        _ channel: any Channel,
        context: NIOSSLContext,
        handshakeTimeout: TimeAmount,
        serve: @escaping (HTTP2PrefaceDetector.WireProtocol, any Channel) throws -> Void
    ) throws {
        let pipeline = channel.pipeline.syncOperations
        let deadline = channel.eventLoop.assumeIsolated().scheduleTask(in: handshakeTimeout) { channel.close(promise: nil) }
        try pipeline.addHandler(NIOSSLServerHandler(context: context))
        try pipeline.addHandler(
            ApplicationProtocolNegotiationHandler { result, channel in
                deadline.cancel()
                return channel.eventLoop.makeCompletedFuture {
                    if case .negotiated("h2") = result {
                        try serve(.http2, channel)
                    } else {
                        try serve(.http1, channel)
                    }
                }
            }
        )
    }
}
