internal import NIOCore
internal import NIOHTTP2

/// Watches a gRPC connection's connection-level frames (stream 0), which NIOHTTP2 passes on: the peer's
/// SETTINGS_MAX_CONCURRENT_STREAMS and GOAWAY, for the shard choosing where streams go, and PING ACKs for the
/// keepalive it runs.
final class GRPCConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    enum Event {
        case maxConcurrentStreams(Int)
        case goAway
    }

    /// What the peer's connection-level frames say. Set on the connection's event loop.
    var onEvent: ((Event) -> Void)?
    /// Streams open on the connection: the keepalive pings only while there are some.
    var openStreams = 0
    /// Why the connection closed, when it was not the peer's doing: told to the calls it fails.
    private(set) var closeReason: String?
    /// The last stream a GOAWAY from the peer said it processes; streams above it it never saw.
    private(set) var goAwayLastStreamID: HTTP2StreamID?
    /// The peer's SETTINGS_MAX_CONCURRENT_STREAMS, once it said it.
    private(set) var maxConcurrentStreams: Int?
    /// Succeeds at the peer's first SETTINGS frame (streams opened before it might exceed its limit); fails if
    /// the connection closes first.
    let firstSettings: EventLoopPromise<Void>
    private var sawSettings = false

    private let endpoint: Endpoint
    private let keepaliveInterval: TimeAmount?
    private let keepaliveTimeout: TimeAmount
    private var keepalive = GRPCKeepalive()
    private var keepaliveTask: RepeatedTask?
    private var context: ChannelHandlerContext?

    init(endpoint: Endpoint, keepaliveInterval: TimeAmount?, keepaliveTimeout: TimeAmount, eventLoop: any EventLoop) {
        self.endpoint = endpoint
        self.keepaliveInterval = keepaliveInterval
        self.keepaliveTimeout = keepaliveTimeout
        self.firstSettings = eventLoop.makePromise()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        guard let interval = keepaliveInterval, interval > .zero else { return }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        keepaliveTask = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            bound.value.intervalElapsed()
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        keepaliveTask?.cancel()
        keepaliveTask = nil
        self.context = nil
        // A channel that never connected is torn down without going inactive.
        firstSettings.fail(Self.closedBeforeSettings(endpoint))
    }

    private func intervalElapsed() {
        guard let context, let ping = keepalive.intervalElapsed(openStreams: openStreams) else { return }
        context.writeAndFlush(
            wrapOutboundOut(HTTP2Frame(streamID: .rootStream, payload: .ping(HTTP2PingData(withInteger: ping), ack: false))),
            promise: nil)
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: keepaliveTimeout) {
            bound.value.pingTimeoutElapsed(ping)
        }
    }

    private func pingTimeoutElapsed(_ ping: UInt64) {
        guard keepalive.timedOut(ping), let context else { return }
        close(
            context,
            reason: "\(endpoint) did not answer a keepalive PING within \(keepaliveTimeout.nanoseconds / 1_000_000) ms")
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data).payload {
        case .settings(.settings(let settings)):
            for setting in settings where setting.parameter == .maxConcurrentStreams {
                maxConcurrentStreams = setting.value
                onEvent?(.maxConcurrentStreams(setting.value))
            }
            sawSettings = true
            firstSettings.succeed(())
        case .goAway(let lastStreamID, _, _):
            goAwayLastStreamID = min(lastStreamID, goAwayLastStreamID ?? lastStreamID)
            onEvent?(.goAway)
        case .ping(let data, ack: true):
            keepalive.acknowledged(data.integer)
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        keepaliveTask?.cancel()
        firstSettings.fail(Self.closedBeforeSettings(endpoint))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !sawSettings {
            // A server's first frame must be SETTINGS (RFC 9113 §3.4): bytes NIOHTTP2 cannot take as one are not
            // HTTP/2 (an HTTP/1.1 server answers the preface with an HTTP/1.1 error, say).
            firstSettings.fail(
                ClientError(
                    .connectFailed,
                    "\(endpoint) does not speak HTTP/2: its answer to the HTTP/2 preface is not HTTP/2 (\(error))",
                    reason: "does not speak HTTP/2, which gRPC needs: its backend answered the HTTP/2 preface with "
                        + "something else (HTTP/1.1, say)"))
        }
        // A connection-level protocol error: NIOHTTP2 sent GOAWAY; the connection is of no more use.
        close(context, reason: "the HTTP/2 connection to \(endpoint) failed: \(error)")
    }

    /// An HTTP/1.1 server may also just close the connection on reading the HTTP/2 preface.
    private static func closedBeforeSettings(_ endpoint: Endpoint) -> ClientError {
        ClientError(
            .connectFailed, "\(endpoint) closed the connection before its HTTP/2 SETTINGS",
            reason: "closed the connection before the HTTP/2 handshake ended: its backend may not speak HTTP/2, "
                + "which gRPC needs")
    }

    private func close(_ context: ChannelHandlerContext, reason: String) {
        if closeReason == nil { closeReason = reason }
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension GRPCConnectionHandler: Sendable {}
