internal import Logging
internal import NIOCore
internal import NIOHTTP1
internal import NIOHTTP2
internal import NIOSSL
internal import SluiceClient

/// One long-lived HTTP/2 connection to an upstream (`h2c: true`, or `h2: true` over TLS), carrying many
/// requests at once, each on a stream of its own. Lives on its event loop, like the client connections
/// it serves.
final class HTTP2UpstreamConnection: Sendable {
    let channel: any Channel
    private let multiplexer: NIOHTTP2Handler.StreamMultiplexer
    private let watcher: NIOLoopBound<HTTP2UpstreamFrameWatcher>
    private let scheme: HTTP2FramePayloadToHTTP1ClientCodec.HTTPProtocol

    private init(
        channel: any Channel, multiplexer: NIOHTTP2Handler.StreamMultiplexer, watcher: HTTP2UpstreamFrameWatcher,
        scheme: HTTP2FramePayloadToHTTP1ClientCodec.HTTPProtocol
    ) {
        self.channel = channel
        self.multiplexer = multiplexer
        self.watcher = NIOLoopBound(watcher, eventLoop: channel.eventLoop)
        self.scheme = scheme
    }

    /// What the peer's connection-level frames say. Must be set on the connection's event loop.
    var onEvent: ((HTTP2UpstreamFrameWatcher.Event) -> Void)? {
        get { watcher.value.onEvent }
        set { watcher.value.onEvent = newValue }
    }

    /// A new stream for one request, shaped like an HTTP/1.1 connection: NIOHTTP2's codec turns the
    /// exchange's request parts into HEADERS (`Host` becoming `:authority`, connection-specific fields
    /// dropped) and DATA frames, and the response frames back into parts, which ``UpstreamConnectionHandler``
    /// hands to the exchange, reading only as fast as the client takes them (a held read holds back the
    /// stream's WINDOW_UPDATEs). Closing the stream before it ended resets it (RST_STREAM CANCEL).
    ///
    /// A `webSocket` stream carries a proxied upgrade as an extended CONNECT (``HTTP2UpstreamWebSocketCodec``):
    /// it waits for the peer's first SETTINGS, and fails unless they enable it (RFC 8441 §3). Must be called on
    /// the connection's event loop.
    func openStream(endpoint: Endpoint, webSocket: Bool, logger: Logger) -> EventLoopFuture<UpstreamConnection> {
        let scheme = self.scheme
        let allowed: EventLoopFuture<Void>
        if webSocket {
            allowed = watcher.value.peerSettings(on: channel.eventLoop).flatMapThrowing { settings in
                guard settings.enablesConnectProtocol else { throw HTTP2NoExtendedConnect(endpoint: endpoint) }
            }
        } else {
            allowed = channel.eventLoop.makeSucceededVoidFuture()
        }
        let multiplexer = self.multiplexer
        return allowed.flatMap {
            multiplexer.createStreamChannel { stream in
                stream.eventLoop.makeCompletedFuture {
                    let pipeline = stream.pipeline.syncOperations
                    if webSocket {
                        try pipeline.addHandler(HTTP2UpstreamWebSocketCodec(scheme: scheme == .https ? "https" : "http"))
                    } else {
                        try pipeline.addHandler(HTTP2FramePayloadToHTTP1ClientCodec(httpProtocol: scheme))
                    }
                    try pipeline.addHandler(UpstreamConnectionHandler(endpoint: endpoint, logger: logger))
                }
            }
        }.flatMapThrowing { stream in
            UpstreamConnection(
                channel: stream,
                handler: NIOLoopBound(
                    try stream.pipeline.syncOperations.handler(type: UpstreamConnectionHandler.self),
                    eventLoop: stream.eventLoop))
        }
    }

    /// Opens a connection: with `tls`, NIOSSL's client handler offering only `h2` by ALPN, a completed
    /// handshake within `connectTimeout`, and a peer that picked `h2` (else the connect fails saying so);
    /// then NIOHTTP2's client handler, which sends the connection preface.
    static func connect(
        to endpoint: Endpoint,
        tls: ConnectionTLS?,
        connectTimeout: TimeAmount,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<HTTP2UpstreamConnection> {
        let secure = tls != nil
        return ClientChannel.connect(to: endpoint, tls: tls, connectTimeout: connectTimeout, on: eventLoop) { pipeline in
            guard secure else { return }
            // Before the handshake watcher, which reports the handshake done before passing its event on.
            try pipeline.addHandler(NegotiatedProtocolRecorder(), position: .after(try pipeline.handler(type: NIOSSLClientHandler.self)))
        }.flatMapThrowing { channel in
            guard secure else { return channel }
            let recorder = try channel.pipeline.syncOperations.handler(type: NegotiatedProtocolRecorder.self)
            channel.pipeline.syncOperations.removeHandler(recorder, promise: nil)
            guard recorder.negotiated == "h2" else {
                channel.close(promise: nil)
                throw HTTP2NotAgreed(endpoint: endpoint, negotiated: recorder.negotiated)
            }
            return channel
        }.flatMapThrowing { channel in
            let pipeline = channel.pipeline.syncOperations
            let multiplexer = try pipeline.configureHTTP2Pipeline(
                mode: .client,
                connectionConfiguration: .init(),
                streamConfiguration: .init()
            ) { pushed in
                // Server push is not asked for; a pushed stream is refused.
                pushed.close()
            }
            let watcher = HTTP2UpstreamFrameWatcher()
            try pipeline.addHandler(watcher)
            return HTTP2UpstreamConnection(
                channel: channel, multiplexer: multiplexer, watcher: watcher, scheme: secure ? .https : .http)
        }
    }
}

/// Reads the connection-level frames NIOHTTP2 passes on (stream 0) for what decides where new streams go:
/// the peer's SETTINGS_MAX_CONCURRENT_STREAMS and its GOAWAY, and whether it takes extended CONNECT.
final class HTTP2UpstreamFrameWatcher: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame

    enum Event {
        case maxConcurrentStreams(Int)
        case goAway
    }

    /// What the peer's SETTINGS said so far.
    struct PeerSettings {
        var enablesConnectProtocol = false
    }

    var onEvent: ((Event) -> Void)?
    /// nil until the peer's first SETTINGS frame.
    private var settings: PeerSettings?
    private var settingsWaiters: [EventLoopPromise<PeerSettings>] = []

    /// The peer's settings once its first SETTINGS frame is in (at once if it is): the connection preface's,
    /// which follows the connect within a round trip. Fails if the connection closes first.
    func peerSettings(on eventLoop: any EventLoop) -> EventLoopFuture<PeerSettings> {
        if let settings { return eventLoop.makeSucceededFuture(settings) }
        let promise = eventLoop.makePromise(of: PeerSettings.self)
        settingsWaiters.append(promise)
        return promise.futureResult
    }

    func channelInactive(context: ChannelHandlerContext) {
        let waiters = settingsWaiters
        settingsWaiters = []
        for waiter in waiters { waiter.fail(ChannelError.ioOnClosedChannel) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data).payload {
        case .settings(.settings(let received)):
            var peer = settings ?? PeerSettings()
            for setting in received {
                switch setting.parameter {
                case .maxConcurrentStreams: onEvent?(.maxConcurrentStreams(setting.value))
                case .enableConnectProtocol: peer.enablesConnectProtocol = setting.value == 1
                default: break
                }
            }
            settings = peer
            let waiters = settingsWaiters
            settingsWaiters = []
            for waiter in waiters { waiter.succeed(peer) }
        case .goAway:
            onEvent?(.goAway)
        default:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A connection-level protocol error: NIOHTTP2 sent GOAWAY; the connection is of no more use.
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension HTTP2UpstreamFrameWatcher: Sendable {}

