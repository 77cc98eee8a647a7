import Testing
@testable import SluiceClient

/// Where an HTTP/2 upstream's streams go: packed onto one connection until the peer's
/// SETTINGS_MAX_CONCURRENT_STREAMS, another connection only then, and none new on one that sent GOAWAY.
@Suite("HTTP/2 upstream connection set")
struct HTTP2ConnectionSetTests {
    @Test("the first stream opens a connection; streams asked for meanwhile wait for it, then share it")
    func firstConnection() {
        var set = HTTP2ConnectionSet(maxConnections: 4)
        #expect(set.reserveStream() == .connect(0))
        #expect(set.reserveStream() == .wait)
        set.connected(0)
        for _ in 0..<10 { #expect(set.reserveStream() == .use(0)) }
        #expect(set.connections.map(\.openStreams) == [10])
    }

    @Test("a full connection (the peer's max concurrent streams) gets a second one; a closed stream frees room")
    func secondConnectionWhenFull() {
        var set = HTTP2ConnectionSet(maxConnections: 2)
        #expect(set.reserveStream() == .connect(0))
        set.connected(0)
        set.maxStreamsChanged(0, to: 2)
        #expect(set.reserveStream() == .use(0))
        #expect(set.reserveStream() == .use(0))
        #expect(set.reserveStream() == .connect(1))
        #expect(set.reserveStream() == .wait)
        set.connected(1)
        set.maxStreamsChanged(1, to: 1)
        #expect(set.reserveStream() == .use(1))
        // Both full and no third allowed: wait until a stream ends, then the oldest connection is used first.
        #expect(set.reserveStream() == .wait)
        #expect(set.streamClosed(1) == false)
        #expect(set.streamClosed(0) == false)
        #expect(set.reserveStream() == .use(0))
    }

    @Test("GOAWAY: open streams finish, new ones go to a new connection, and the old one closes when empty")
    func goAway() {
        var set = HTTP2ConnectionSet(maxConnections: 1)
        _ = set.reserveStream()
        set.connected(0)
        #expect(set.reserveStream() == .use(0))
        #expect(set.goAway(0) == false)
        #expect(set.reserveStream() == .connect(1))
        set.connected(1)
        #expect(set.reserveStream() == .use(1))
        #expect(set.streamClosed(0) == true)
        set.removed(0)
        #expect(set.connections.map(\.id) == [1])
        #expect(set.goAway(1) == false)
        #expect(set.streamClosed(1) == true)
    }

    @Test("an idle connection that gets GOAWAY closes at once; a failed connect leaves room for the next try")
    func idleGoAwayAndFailedConnect() {
        var set = HTTP2ConnectionSet(maxConnections: 1)
        #expect(set.reserveStream() == .connect(0))
        set.removed(0)
        #expect(set.reserveStream() == .connect(1))
        set.connected(1)
        #expect(set.reserveStream() == .use(1))
        #expect(set.streamClosed(1) == false)
        #expect(set.goAway(1) == true)
    }
}
