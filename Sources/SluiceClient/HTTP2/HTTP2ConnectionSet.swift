/// One endpoint's HTTP/2 connections on one event loop (the gateway's `h2c`/`h2` upstreams, the gRPC client),
/// as a pure value: which connection a new stream goes on, and when another connection is opened. Streams are
/// packed onto the oldest connection with room under the peer's SETTINGS_MAX_CONCURRENT_STREAMS, so one
/// connection carries everything until it is full; a connection that received GOAWAY takes no new streams and
/// closes once its last one ends.
package struct HTTP2ConnectionSet: Sendable {
    package typealias ID = Int

    /// Streams a connection is assumed to take until the peer's SETTINGS say (RFC 9113 §6.5.2 recommends
    /// allowing at least 100).
    package static let assumedMaxStreams = 100

    package enum State: Hashable, Sendable {
        case connecting
        case ready
        /// GOAWAY received: its streams finish, no new ones start.
        case draining
    }

    package struct Connection: Hashable, Sendable {
        package let id: ID
        package var state: State
        package var openStreams = 0
        package var maxStreams = HTTP2ConnectionSet.assumedMaxStreams
    }

    package enum Choice: Hashable, Sendable {
        /// Open a stream on this connection (counted as open already).
        case use(ID)
        /// Open this new connection; the stream waits for it.
        case connect(ID)
        /// Wait: a connection is on its way, or every one allowed is full.
        case wait
    }

    package let maxConnections: Int
    package private(set) var connections: [Connection] = []
    private var nextID: ID = 0

    package init(maxConnections: Int) {
        self.maxConnections = max(1, maxConnections)
    }

    /// Where the next stream goes.
    package mutating func reserveStream() -> Choice {
        if let index = connections.firstIndex(where: { $0.state == .ready && $0.openStreams < $0.maxStreams }) {
            connections[index].openStreams += 1
            return .use(connections[index].id)
        }
        if connections.contains(where: { $0.state == .connecting }) { return .wait }
        guard connections.count(where: { $0.state != .draining }) < maxConnections else { return .wait }
        let id = nextID
        nextID += 1
        connections.append(Connection(id: id, state: .connecting))
        return .connect(id)
    }

    package mutating func connected(_ id: ID) {
        update(id) { $0.state = .ready }
    }

    /// The peer's SETTINGS_MAX_CONCURRENT_STREAMS.
    package mutating func maxStreamsChanged(_ id: ID, to value: Int) {
        update(id) { $0.maxStreams = max(0, value) }
    }

    /// A stream reserved by ``reserveStream()`` ended (or never started). Returns whether the connection
    /// should close now: it is draining and this was its last stream.
    package mutating func streamClosed(_ id: ID) -> Bool {
        update(id) { $0.openStreams = max(0, $0.openStreams - 1) }
        return connections.contains { $0.id == id && $0.state == .draining && $0.openStreams == 0 }
    }

    /// The peer sent GOAWAY. Returns whether the connection should close now (no stream is open).
    package mutating func goAway(_ id: ID) -> Bool {
        update(id) { $0.state = .draining }
        return connections.contains { $0.id == id && $0.openStreams == 0 }
    }

    /// The connection failed to open, or closed.
    package mutating func removed(_ id: ID) {
        connections.removeAll { $0.id == id }
    }

    private mutating func update(_ id: ID, _ change: (inout Connection) -> Void) {
        guard let index = connections.firstIndex(where: { $0.id == id }) else { return }
        change(&connections[index])
    }
}
