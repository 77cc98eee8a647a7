internal import NIOCore
internal import NIOHTTP2
internal import NIOSSL

/// One HTTP/2 connection to a gRPC server (h2c, or h2 over TLS), carrying many calls at once, a stream each.
/// Lives on one event loop, with the shard that opened it.
final class GRPCConnection: Sendable {
    let channel: any Channel
    let multiplexer: NIOHTTP2Handler.StreamMultiplexer
    private let handler: NIOLoopBound<GRPCConnectionHandler>

    private init(channel: any Channel, multiplexer: NIOHTTP2Handler.StreamMultiplexer, handler: GRPCConnectionHandler) {
        self.channel = channel
        self.multiplexer = multiplexer
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
    }

    /// The rest of this type runs on the connection's event loop.
    var onEvent: ((GRPCConnectionHandler.Event) -> Void)? {
        get { handler.value.onEvent }
        set { handler.value.onEvent = newValue }
    }

    var maxConcurrentStreams: Int? { handler.value.maxConcurrentStreams }

    /// Why a stream of this connection to `endpoint` ended without its trailers, for the call it fails.
    func streamEndDescription(endpoint: Endpoint) -> String {
        if let reason = handler.value.closeReason { return reason }
        return channel.isActive
            ? "the HTTP/2 stream to \(endpoint) closed" : "the HTTP/2 connection to \(endpoint) closed"
    }

    /// Whether the server's GOAWAY left `stream` out: it never processed it.
    func goAwayLeftOut(_ stream: HTTP2StreamID) -> Bool {
        guard let last = handler.value.goAwayLastStreamID else { return false }
        return stream > last
    }

    func streamOpened() { handler.value.openStreams += 1 }

    func streamClosed() { handler.value.openStreams -= 1 }

    /// Connects: with `tls`, a handshake (offering ALPN `h2` only) the server must answer by picking `h2`;
    /// the connection is handed out at the server's first SETTINGS, all within `configuration.connectTimeout`.
    /// Failures are ``ClientError``s.
    static func connect(
        to endpoint: Endpoint,
        tls: ConnectionTLS?,
        configuration: GRPCClientConfiguration,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<GRPCConnection> {
        let connectTimeout = configuration.connectTimeout
        let deadline = NIODeadline.now() + connectTimeout
        let secure = tls != nil
        let connected = ClientChannel.connect(to: endpoint, tls: tls, connectTimeout: connectTimeout, on: eventLoop) {
            pipeline in
            if secure {
                // Before the handshake watcher, which reports the handshake done before passing its event on.
                try pipeline.addHandler(
                    NegotiatedProtocolRecorder(), position: .after(try pipeline.handler(type: NIOSSLClientHandler.self)))
            }
            try pipeline.addHandler(HTTP2FlushCoalescer())
            // HTTP/2 from the start (TLS holds the preface until its handshake is done): a server may send its
            // SETTINGS as soon as the handshake ends, before a callback could add the handler.
            _ = try pipeline.configureHTTP2Pipeline(
                mode: .client, connectionConfiguration: .init(), streamConfiguration: .init()
            ) { pushed in
                // Server push is not asked for; a pushed stream is refused.
                pushed.close()
            }
            try pipeline.addHandler(
                GRPCConnectionHandler(
                    endpoint: endpoint, keepaliveInterval: configuration.keepaliveInterval,
                    keepaliveTimeout: configuration.keepaliveTimeout, eventLoop: eventLoop))
        }
        let ready: EventLoopFuture<any Channel>
        if secure {
            ready = connected.flatMapThrowing { channel in
                let recorder = try channel.pipeline.syncOperations.handler(type: NegotiatedProtocolRecorder.self)
                channel.pipeline.syncOperations.removeHandler(recorder, promise: nil)
                guard recorder.negotiated == "h2" else {
                    channel.close(promise: nil)
                    let chose = recorder.negotiated.map { "'\($0)'" } ?? "no protocol"
                    throw ClientError(
                        .connectFailed, "\(endpoint) did not agree to HTTP/2 by ALPN (it chose \(chose)); gRPC needs h2",
                        reason: "does not speak HTTP/2, which gRPC needs: its backend did not choose h2 by TLS ALPN")
                }
                return channel
            }
        } else {
            ready = connected
        }
        return ready.flatMapThrowing { channel in
            let pipeline = channel.pipeline.syncOperations
            return GRPCConnection(
                channel: channel, multiplexer: try pipeline.handler(type: NIOHTTP2Handler.self).syncMultiplexer(),
                handler: try pipeline.handler(type: GRPCConnectionHandler.self))
        }.flatMap { connection in
            let settings = connection.handler.value.firstSettings.futureResult
            let timer = eventLoop.scheduleTask(deadline: deadline) {
                connection.handler.value.firstSettings.fail(
                    ClientError(
                        .connectTimeout,
                        "\(endpoint) sent no HTTP/2 SETTINGS within \(connectTimeout.nanoseconds / 1_000_000) ms"))
            }
            return settings.map { () -> GRPCConnection in
                timer.cancel()
                return connection
            }.flatMapErrorThrowing { error in
                timer.cancel()
                connection.channel.close(promise: nil)
                throw error
            }
        }
    }
}
