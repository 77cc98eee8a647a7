/// One HTTP/2 connection's lifecycle as a pure value: how many streams are open, the newest one, and
/// whether it is winding down. ``HTTP2ConnectionHandler`` performs what it decides.
///
/// A connection with no open stream closes after the idle timeout; a quiescing one (shutdown) says
/// `GOAWAY` naming the newest stream it will still serve, and closes once those streams are done.
struct HTTP2ConnectionState {
    enum Action: Equatable {
        case none
        /// Cancel the idle timer: a stream is open.
        case cancelIdleTimer
        /// Arm the idle timer: nothing is open.
        case startIdleTimer
        /// Say GOAWAY (NO_ERROR) with `lastStreamID`; when `close`, close once it (and so every answer
        /// written before it) is on the wire.
        case goAway(lastStreamID: Int32, close: Bool)
    }

    private(set) var openStreams = 0
    private(set) var lastStreamID: Int32 = 0
    private(set) var isQuiescing = false
    private(set) var isClosed = false

    mutating func streamOpened(_ id: Int32) -> Action {
        lastStreamID = max(lastStreamID, id)
        openStreams += 1
        return openStreams == 1 ? .cancelIdleTimer : .none
    }

    mutating func streamClosed() -> Action {
        openStreams = max(0, openStreams - 1)
        guard openStreams == 0 else { return .none }
        guard isQuiescing else { return .startIdleTimer }
        guard !isClosed else { return .none }
        isClosed = true
        // The final GOAWAY: the last answer was just written, and closing before it leaves would drop it.
        return .goAway(lastStreamID: lastStreamID, close: true)
    }

    mutating func quiesce() -> Action {
        guard !isQuiescing, !isClosed else { return .none }
        isQuiescing = true
        if openStreams == 0 {
            isClosed = true
            return .goAway(lastStreamID: lastStreamID, close: true)
        }
        return .goAway(lastStreamID: lastStreamID, close: false)
    }

    mutating func idleTimerFired() -> Action {
        guard openStreams == 0, !isClosed else { return .none }
        isClosed = true
        return .goAway(lastStreamID: lastStreamID, close: true)
    }
}
