import Testing
@testable import SluiceGateway

@Suite("HTTP/2 connection lifecycle")
struct HTTP2ConnectionStateTests {
    @Test("the idle timer runs only while no stream is open, and closes with GOAWAY naming the newest stream")
    func idle() {
        var state = HTTP2ConnectionState()
        #expect(state.streamOpened(1) == .cancelIdleTimer)
        #expect(state.streamOpened(3) == .none)
        #expect(state.streamClosed() == .none)
        #expect(state.streamClosed() == .startIdleTimer)
        #expect(state.idleTimerFired() == .goAway(lastStreamID: 3, close: true))
        #expect(state.idleTimerFired() == .none)
    }

    @Test("a timer that fires while a stream is open does nothing")
    func idleWhileBusy() {
        var state = HTTP2ConnectionState()
        _ = state.streamOpened(5)
        #expect(state.idleTimerFired() == .none)
        #expect(state.isClosed == false)
    }

    @Test("quiescing says GOAWAY at once and closes when the last stream in flight ends, with a final GOAWAY")
    func quiesceBusy() {
        var state = HTTP2ConnectionState()
        _ = state.streamOpened(1)
        _ = state.streamOpened(7)
        #expect(state.quiesce() == .goAway(lastStreamID: 7, close: false))
        #expect(state.quiesce() == .none)
        #expect(state.streamClosed() == .none)
        #expect(state.streamClosed() == .goAway(lastStreamID: 7, close: true))
        #expect(state.streamClosed() == .none)
    }

    @Test("an idle connection quiesces straight to GOAWAY and close")
    func quiesceIdle() {
        var state = HTTP2ConnectionState()
        #expect(state.quiesce() == .goAway(lastStreamID: 0, close: true))
        #expect(state.idleTimerFired() == .none)
    }
}
