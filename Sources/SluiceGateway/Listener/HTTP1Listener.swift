internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix

/// The HTTP/1.1 server socket: keep-alive, pipelining (responses in request order), chunked and
/// Content-Length bodies, NIOHTTP1's 400 for unparsable requests.
enum HTTP1Listener {
    static func bind(
        host: String,
        port: Int,
        group: any EventLoopGroup,
        maxBodySize: Int,
        idleTimeout: TimeAmount,
        connections: HTTP1Connections,
        handler: any GatewayRequestHandler
    ) -> EventLoopFuture<any Channel> {
        ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                connections.add(channel)
                return channel.eventLoop.makeCompletedFuture {
                    // Idle keep-alive connections (and stalled request bodies) are closed after `idleTimeout`.
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withPipeliningAssistance: true,
                        withErrorHandling: true
                    )
                    try channel.pipeline.syncOperations.addHandler(
                        HTTP1RequestHandler(handler: handler, maxBodySize: maxBodySize)
                    )
                }
            }
            .bind(host: host, port: port)
    }
}
