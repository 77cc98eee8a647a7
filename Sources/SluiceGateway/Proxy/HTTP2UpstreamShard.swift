internal import Logging
internal import NIOCore
internal import SluiceClient

/// One event loop's HTTP/2 connections to an `h2c`/`h2` service: an ``HTTP2ConnectionSet`` per endpoint
/// deciding where each stream goes, the connections it opened, and the requests waiting for a stream, with
/// endpoints picked by the service's ``Balancer`` (a request counts as in flight on its endpoint until its
/// stream closes). Everything happens on `eventLoop`, like ``UpstreamShard``.
final class HTTP2UpstreamShard: Sendable {
    private struct Waiter {
        var id: Int
        var promise: EventLoopPromise<UpstreamConnection>
        var timer: Scheduled<Void>?
        var webSocket: Bool
        var startedAt: NIODeadline
    }

    private struct Key: Hashable {
        var endpoint: Int
        var id: HTTP2ConnectionSet.ID
    }

    private struct State {
        var sets: [HTTP2ConnectionSet]
        var waiters: [[Waiter]]
        var connections: [Key: HTTP2UpstreamConnection] = [:]
        var nextWaiterID = 0
        var choice: UpstreamChoice
        var isShutDown = false
    }

    let eventLoop: any EventLoop
    private let endpoints: [Endpoint]
    private let tls: [ConnectionTLS]?
    private let connectTimeout: TimeAmount
    private let logger: Logger
    private let state: NIOLoopBoundBox<State>

    /// `balancer` picks among `endpoints` (the same order); this shard keeps its own copy.
    init(
        endpoints: [Endpoint],
        balancer: Balancer,
        tls: [ConnectionTLS]?,
        maxConnections: Int,
        connectTimeout: TimeAmount,
        eventLoop: any EventLoop,
        logger: Logger
    ) {
        self.eventLoop = eventLoop
        self.endpoints = endpoints
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.logger = logger
        self.state = .makeBoxSendingValue(
            State(
                sets: Array(repeating: HTTP2ConnectionSet(maxConnections: maxConnections), count: endpoints.count),
                waiters: Array(repeating: [], count: endpoints.count), choice: UpstreamChoice(balancer)),
            eventLoop: eventLoop)
    }

    /// A new stream for one request, or a `ClientError` (connect failure, or no stream by `deadline`);
    /// a `webSocket` one carries an upgrade (see ``HTTP2UpstreamConnection/openStream(endpoint:webSocket:logger:)``).
    /// Must run on `eventLoop`.
    func openStream(deadline: NIODeadline, webSocket: Bool = false, hashKey: UInt64? = nil) -> EventLoopFuture<UpstreamConnection> {
        let promise = eventLoop.makePromise(of: UpstreamConnection.self)
        guard !state.value.isShutDown, !endpoints.isEmpty else {
            promise.fail(ClientError(.shutdown, "the gateway is shutting down"))
            return promise.futureResult
        }
        let now = NIODeadline.now()
        guard let endpoint = state.value.choice.start(hashKey: hashKey, now: now) else {
            promise.fail(UpstreamChoice.noEndpoint)
            return promise.futureResult
        }
        let id = state.value.nextWaiterID
        state.value.nextWaiterID &+= 1
        let timer = eventLoop.scheduleTask(deadline: deadline) { [self] in
            guard let index = state.value.waiters[endpoint].firstIndex(where: { $0.id == id }) else { return }
            let waiter = state.value.waiters[endpoint].remove(at: index)
            ended(endpoint, since: waiter.startedAt)
            waiter.promise.fail(
                ClientError(.connectTimeout, "no HTTP/2 stream to \(endpoints[endpoint]) could be opened in time"))
        }
        state.value.waiters[endpoint].append(
            Waiter(id: id, promise: promise, timer: timer, webSocket: webSocket, startedAt: now))
        serve(endpoint)
        return promise.futureResult
    }

    /// Hands streams to waiting requests while the endpoint's connections have room, opening a connection
    /// when the set says so.
    private func serve(_ endpoint: Int) {
        while !state.value.waiters[endpoint].isEmpty {
            switch state.value.sets[endpoint].reserveStream() {
            case .use(let id):
                let waiter = state.value.waiters[endpoint].removeFirst()
                waiter.timer?.cancel()
                open(on: Key(endpoint: endpoint, id: id), webSocket: waiter.webSocket, for: waiter.promise, since: waiter.startedAt)
            case .connect(let id):
                return connect(Key(endpoint: endpoint, id: id))
            case .wait:
                return
            }
        }
    }

    private func open(
        on key: Key, webSocket: Bool, for promise: EventLoopPromise<UpstreamConnection>, since startedAt: NIODeadline
    ) {
        guard let connection = state.value.connections[key] else {
            ended(key.endpoint, since: startedAt)
            streamClosed(key)
            return promise.fail(ClientError(.connectionClosed, "the HTTP/2 connection to \(endpoints[key.endpoint]) closed"))
        }
        connection.openStream(endpoint: endpoints[key.endpoint], webSocket: webSocket, logger: logger).whenComplete { [self] result in
            switch result {
            case .success(let stream):
                stream.channel.closeFuture.whenComplete { [self] _ in
                    ended(key.endpoint, since: startedAt)
                    streamClosed(key)
                }
                promise.succeed(stream)
            case .failure(let error as HTTP2NoExtendedConnect):
                ended(key.endpoint, since: startedAt)
                streamClosed(key)
                promise.fail(error)
            case .failure(let error):
                ended(key.endpoint, since: startedAt)
                streamClosed(key)
                promise.fail(ClientError(.connectionClosed, "no stream could be opened to \(endpoints[key.endpoint]): \(error)"))
            }
        }
    }

    /// A request that asked for a stream to `endpoint` at `startedAt` is over on it.
    private func ended(_ endpoint: Int, since startedAt: NIODeadline) {
        state.value.choice.end(endpoint, since: startedAt)
    }

    private func streamClosed(_ key: Key) {
        if state.value.sets[key.endpoint].streamClosed(key.id) {
            state.value.connections[key]?.channel.close(promise: nil)
        }
        serve(key.endpoint)
    }

    private func connect(_ key: Key) {
        let endpoint = endpoints[key.endpoint]
        HTTP2UpstreamConnection.connect(
            to: endpoint, tls: tls?[key.endpoint], connectTimeout: connectTimeout, on: eventLoop
        ).whenComplete { [self] result in
            switch result {
            case .success(let connection):
                guard !state.value.isShutDown else { return connection.channel.close(promise: nil) }
                state.value.connections[key] = connection
                connection.onEvent = { [self] event in
                    switch event {
                    case .maxConcurrentStreams(let value):
                        state.value.sets[key.endpoint].maxStreamsChanged(key.id, to: value)
                    case .goAway:
                        // Streams already open finish; new ones go to a new connection.
                        if state.value.sets[key.endpoint].goAway(key.id) { connection.channel.close(promise: nil) }
                    }
                    serve(key.endpoint)
                }
                connection.channel.closeFuture.whenComplete { [self] _ in
                    state.value.connections.removeValue(forKey: key)
                    state.value.sets[key.endpoint].removed(key.id)
                    serve(key.endpoint)
                }
                state.value.sets[key.endpoint].connected(key.id)
                serve(key.endpoint)
            case .failure(let error):
                // The client hears only that the service is unreachable (or refused HTTP/2); why is here.
                logger.warning("upstream connection failed", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
                state.value.sets[key.endpoint].removed(key.id)
                failWaiters(endpoint: key.endpoint, error)
            }
        }
    }

    private func failWaiters(endpoint: Int, _ error: any Error) {
        let waiters = state.value.waiters[endpoint]
        state.value.waiters[endpoint] = []
        for waiter in waiters {
            waiter.timer?.cancel()
            ended(endpoint, since: waiter.startedAt)
            waiter.promise.fail(error)
        }
    }

    /// Closes every connection (streams still open are reset) and fails waiting requests.
    /// Must run on `eventLoop`.
    func shutdown() {
        state.value.isShutDown = true
        for endpoint in endpoints.indices {
            failWaiters(endpoint: endpoint, ClientError(.shutdown, "the gateway is shutting down"))
        }
        for connection in state.value.connections.values { connection.channel.close(promise: nil) }
    }
}
