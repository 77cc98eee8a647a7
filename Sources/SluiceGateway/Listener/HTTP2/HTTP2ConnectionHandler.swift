internal import NIOCore
internal import NIOHTTP2

/// Sits after `NIOHTTP2Handler` on an HTTP/2 connection: closes it when no stream has been open for the idle
/// timeout, and on shutdown (`ChannelShouldQuiesceEvent`) says GOAWAY and lets the streams in flight finish.
/// Streams are counted through the stream delegate, which NIOHTTP2 calls on the connection's loop.
final class HTTP2ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    private var state = HTTP2ConnectionState()
    private let idleTimeout: TimeAmount
    private var idleTimer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(idleTimeout: TimeAmount) {
        self.idleTimeout = idleTimeout
    }

    /// The delegate to give `NIOHTTP2Handler`; it must be `Sendable`, the handler is loop-bound.
    func streamDelegate(on eventLoop: any EventLoop) -> some NIOHTTP2StreamDelegate {
        Delegate(handler: NIOLoopBound(self, eventLoop: eventLoop))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        perform(.startIdleTimer)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        idleTimer = nil
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        idleTimer = nil
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            perform(state.quiesce())
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Protocol errors are NIOHTTP2's to answer: a stream error resets that stream (a frame for a stream
        // the client reset, say) and the connection goes on; a connection error says GOAWAY, and
        // `HTTP2GoAwayWatcher` closes once it is written. Anything else (an I/O error) ends the connection.
        if error is any NIOHTTP2Error { return }
        context.close(promise: nil)
    }

    fileprivate func streamCreated(_ id: HTTP2StreamID) {
        perform(state.streamOpened(Int32(id)))
    }

    fileprivate func streamClosed() {
        perform(state.streamClosed())
    }

    private func perform(_ action: HTTP2ConnectionState.Action) {
        guard let context else { return }
        switch action {
        case .none:
            return
        case .cancelIdleTimer:
            idleTimer?.cancel()
            idleTimer = nil
        case .startIdleTimer:
            idleTimer?.cancel()
            idleTimer = context.eventLoop.assumeIsolated().scheduleTask(in: idleTimeout) { [weak self] in
                guard let self else { return }
                self.idleTimer = nil
                self.perform(self.state.idleTimerFired())
            }
        case .goAway(let lastStreamID, let close):
            let frame = HTTP2Frame(
                streamID: .rootStream,
                payload: .goAway(lastStreamID: HTTP2StreamID(lastStreamID), errorCode: .noError, opaqueData: nil)
            )
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(frame), promise: written)
            if close {
                written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            }
        }
    }

    private struct Delegate: NIOHTTP2StreamDelegate {
        let handler: NIOLoopBound<HTTP2ConnectionHandler>

        func streamCreated(_ id: HTTP2StreamID, channel: any Channel) {
            handler.value.streamCreated(id)
        }

        func streamClosed(_ id: HTTP2StreamID, channel: any Channel) {
            handler.value.streamClosed()
        }
    }
}

@available(*, unavailable)
extension HTTP2ConnectionHandler: Sendable {}
