internal import Logging
internal import NIOCore
internal import SluiceClient

/// One event loop's HTTP/2 connections to one endpoint of an `h2c`/`h2` service: an ``HTTP2ConnectionSet``
/// deciding where each stream goes, the connections it opened, and the requests waiting for a stream.
/// Everything happens on `eventLoop`, like ``UpstreamShard``.
final class HTTP2UpstreamShard: Sendable {
    private struct Waiter {
        var id: Int
        var promise: EventLoopPromise<UpstreamConnection>
        var timer: Scheduled<Void>?
        var webSocket: Bool
    }

    private struct State {
        var set: HTTP2ConnectionSet
        var waiters: [Waiter] = []
        var connections: [HTTP2ConnectionSet.ID: HTTP2UpstreamConnection] = [:]
        var nextWaiterID = 0
        var isShutDown = false
    }

    let eventLoop: any EventLoop
    private let endpoint: Endpoint
    private let tls: ConnectionTLS?
    private let connectTimeout: TimeAmount
    private let logger: Logger
    private let state: NIOLoopBoundBox<State>

    /// Counts this shard's open connections with the endpoint's others.
    private let connections: ConnectionGauge?

    init(
        endpoint: Endpoint,
        tls: ConnectionTLS?,
        maxConnections: Int,
        connectTimeout: TimeAmount,
        eventLoop: any EventLoop,
        logger: Logger,
        connections: ConnectionGauge? = nil
    ) {
        self.connections = connections
        self.eventLoop = eventLoop
        self.endpoint = endpoint
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.logger = logger
        self.state = .makeBoxSendingValue(
            State(set: HTTP2ConnectionSet(maxConnections: maxConnections)), eventLoop: eventLoop)
    }

    /// A new stream for one request, or a `ClientError` (connect failure, or no stream by `deadline`);
    /// a `webSocket` one carries an upgrade (see ``HTTP2UpstreamConnection/openStream(endpoint:webSocket:logger:)``).
    /// Must run on `eventLoop`.
    func openStream(deadline: NIODeadline, webSocket: Bool = false) -> EventLoopFuture<UpstreamConnection> {
        let promise = eventLoop.makePromise(of: UpstreamConnection.self)
        guard !state.value.isShutDown else {
            promise.fail(ClientError(.shutdown, "the endpoint's connections are shutting down"))
            return promise.futureResult
        }
        let id = state.value.nextWaiterID
        state.value.nextWaiterID &+= 1
        let timer = eventLoop.scheduleTask(deadline: deadline) { [self] in
            guard let index = state.value.waiters.firstIndex(where: { $0.id == id }) else { return }
            let waiter = state.value.waiters.remove(at: index)
            waiter.promise.fail(ClientError(.connectTimeout, "no HTTP/2 stream to \(endpoint) could be opened in time"))
        }
        state.value.waiters.append(Waiter(id: id, promise: promise, timer: timer, webSocket: webSocket))
        serve()
        return promise.futureResult
    }

    /// Hands streams to waiting requests while the connections have room, opening a connection when the set
    /// says so.
    private func serve() {
        while !state.value.waiters.isEmpty {
            switch state.value.set.reserveStream() {
            case .use(let id):
                let waiter = state.value.waiters.removeFirst()
                waiter.timer?.cancel()
                open(on: id, webSocket: waiter.webSocket, for: waiter.promise)
            case .connect(let id):
                return connect(id)
            case .wait:
                return
            }
        }
    }

    private func open(on id: HTTP2ConnectionSet.ID, webSocket: Bool, for promise: EventLoopPromise<UpstreamConnection>) {
        guard let connection = state.value.connections[id] else {
            streamClosed(id)
            return promise.fail(ClientError(.connectionClosed, "the HTTP/2 connection to \(endpoint) closed"))
        }
        connection.openStream(endpoint: endpoint, webSocket: webSocket, logger: logger).whenComplete { [self] result in
            switch result {
            case .success(let stream):
                stream.channel.closeFuture.whenComplete { [self] _ in streamClosed(id) }
                promise.succeed(stream)
            case .failure(let error as HTTP2NoExtendedConnect):
                streamClosed(id)
                promise.fail(error)
            case .failure(let error):
                streamClosed(id)
                promise.fail(ClientError(.connectionClosed, "no stream could be opened to \(endpoint): \(error)"))
            }
        }
    }

    private func streamClosed(_ id: HTTP2ConnectionSet.ID) {
        if state.value.set.streamClosed(id) {
            state.value.connections[id]?.channel.close(promise: nil)
        }
        serve()
    }

    private func connect(_ id: HTTP2ConnectionSet.ID) {
        HTTP2UpstreamConnection.connect(
            to: endpoint, tls: tls, connectTimeout: connectTimeout, on: eventLoop
        ).whenComplete { [self] result in
            switch result {
            case .success(let connection):
                guard !state.value.isShutDown else { return connection.channel.close(promise: nil) }
                state.value.connections[id] = connection
                connection.onEvent = { [self] event in
                    switch event {
                    case .maxConcurrentStreams(let value):
                        state.value.set.maxStreamsChanged(id, to: value)
                    case .goAway:
                        // Streams already open finish; new ones go to a new connection.
                        if state.value.set.goAway(id) { connection.channel.close(promise: nil) }
                    }
                    serve()
                }
                connections?.opened()
                connection.channel.closeFuture.whenComplete { [self] _ in
                    connections?.closed()
                    state.value.connections.removeValue(forKey: id)
                    state.value.set.removed(id)
                    serve()
                }
                state.value.set.connected(id)
                serve()
            case .failure(let error):
                // The client hears only that the service is unreachable (or refused HTTP/2); why is here.
                logger.warning("upstream connection failed", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
                state.value.set.removed(id)
                failWaiters(error)
            }
        }
    }

    private func failWaiters(_ error: any Error) {
        let waiters = state.value.waiters
        state.value.waiters = []
        for waiter in waiters {
            waiter.timer?.cancel()
            waiter.promise.fail(error)
        }
    }

    /// Fails waiting requests and drains the connections: each closes once its open streams have ended (as
    /// after a GOAWAY), so a removed endpoint's responses in progress finish. Must run on `eventLoop`.
    func shutdown() {
        state.value.isShutDown = true
        failWaiters(ClientError(.shutdown, "the endpoint's connections are shutting down"))
        for (id, connection) in state.value.connections where state.value.set.goAway(id) {
            connection.channel.close(promise: nil)
        }
    }
}
