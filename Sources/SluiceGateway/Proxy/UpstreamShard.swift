internal import Logging
internal import NIOCore
internal import SluiceClient

/// One event loop's connections to an HTTP service: a ``ConnectionPoolStateMachine`` per endpoint (the pure
/// pool the Thrift client's Framed/Buffered transports use), the connections it leases and the exchanges it
/// queues, with endpoints picked by the service's ``Balancer`` (this loop's own, as a cluster's loops each
/// keep one): an exchange counts as in flight on its endpoint from its lease to its release.
///
/// Everything happens on `eventLoop`, where the client connections it serves live too: a proxied request, its
/// upstream connection and the bytes between them stay on one thread, with no lock and no hop.
final class UpstreamShard: Sendable {
    typealias Pool = ConnectionPoolStateMachine

    /// A leased connection; ``UpstreamShard/release(_:reusable:)`` gives it back exactly once.
    struct Lease: Sendable {
        let connection: UpstreamConnection
        fileprivate let key: Key
        /// When the exchange asked for it: the balancer's latency runs from here.
        fileprivate let startedAt: NIODeadline
    }

    fileprivate struct Key: Hashable, Sendable {
        var endpoint: Int
        var id: Pool.ConnectionID
    }

    private struct Waiter {
        var promise: EventLoopPromise<Lease>
        var timer: Scheduled<Void>
        var startedAt: NIODeadline
        var hashKey: UInt64?
    }

    private struct State {
        var pools: [Pool]
        var waiters: [Pool.WaiterID: Waiter] = [:]
        var connections: [Key: UpstreamConnection] = [:]
        var nextWaiterID = 0
        var choice: UpstreamChoice
    }

    let eventLoop: any EventLoop
    private let endpoints: [Endpoint]
    /// Each endpoint's TLS (`https://` services), in `endpoints`' order.
    private let tls: [ConnectionTLS]?
    private let connectTimeout: TimeAmount
    private let logger: Logger
    private let state: NIOLoopBoundBox<State>

    /// `balancer` picks among `endpoints` (the same order); this shard keeps its own copy.
    init(
        endpoints: [Endpoint],
        balancer: Balancer,
        tls: [ConnectionTLS]?,
        pool: Pool.Configuration,
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
                pools: Array(repeating: Pool(configuration: pool), count: endpoints.count), choice: UpstreamChoice(balancer)),
            eventLoop: eventLoop)
    }

    /// A connection for one request, or a `ClientError` (connect failure, or none free by `deadline`).
    /// `hashKey` is the request's key for a `consistent_hash` balancer. Must run on `eventLoop`.
    func lease(deadline: NIODeadline, hashKey: UInt64? = nil) -> EventLoopFuture<Lease> {
        let promise = eventLoop.makePromise(of: Lease.self)
        let now = NIODeadline.now()
        guard let endpoint = state.value.choice.start(hashKey: hashKey, now: now) else {
            promise.fail(UpstreamChoice.noEndpoint)
            return promise.futureResult
        }
        let waiter = state.value.nextWaiterID
        state.value.nextWaiterID &+= 1
        let action = state.value.pools[endpoint].request(waiter)
        switch action {
        case .lease(let id, _):
            hand(Key(endpoint: endpoint, id: id), to: promise, startedAt: now, hashKey: hashKey)
        case .connect, .queued:
            let timer = eventLoop.scheduleTask(deadline: deadline) { [self] in
                perform(state.value.pools[endpoint].waiterTimedOut(waiter), endpoint: endpoint)
            }
            state.value.waiters[waiter] = Waiter(promise: promise, timer: timer, startedAt: now, hashKey: hashKey)
            perform(action, endpoint: endpoint)
        case .failWaiters(_, let error):
            ended(endpoint, since: now)
            promise.fail(error)
        case .none, .park, .close, .closeAndConnect, .shutdown:
            ended(endpoint, since: now)
            promise.fail(ClientError(.shutdown, "the connection pool is in an unexpected state"))
        }
        return promise.futureResult
    }

    /// The exchange is done with `lease`. `reusable: false` when the connection cannot carry another request
    /// (the response was cut short, the request was not fully sent, or the upstream asked to close).
    func release(_ lease: Lease, reusable: Bool) {
        lease.connection.handler.delegate = nil
        // A read held back for the client's sake resumes: an idle connection reads to notice a close.
        lease.connection.handler.resumeReading()
        let reusable = reusable && lease.connection.channel.isActive
        ended(lease.key.endpoint, since: lease.startedAt)
        perform(state.value.pools[lease.key.endpoint].released(lease.key.id, reusable: reusable, now: .now()), endpoint: lease.key.endpoint)
    }

    /// `lease`'s connection became a WebSocket tunnel: the exchange is over for the balancer (a tunnel's
    /// lifetime says nothing of the upstream's latency); the pool forgets the connection when it closes.
    func tunnelled(_ lease: Lease) {
        ended(lease.key.endpoint, since: lease.startedAt)
    }

    /// An exchange that asked for a connection to `endpoint` at `startedAt` is over on it.
    private func ended(_ endpoint: Int, since startedAt: NIODeadline) {
        state.value.choice.end(endpoint, since: startedAt)
    }

    private func hand(_ key: Key, to promise: EventLoopPromise<Lease>, startedAt: NIODeadline, hashKey: UInt64?) {
        guard let connection = state.value.connections[key], connection.channel.isActive else {
            // The upstream closed it while it idled and the close is not processed yet: forget it, try again.
            state.value.connections.removeValue(forKey: key)?.channel.close(promise: nil)
            perform(state.value.pools[key.endpoint].closed(key.id), endpoint: key.endpoint)
            ended(key.endpoint, since: startedAt)
            promise.completeWith(lease(deadline: .now() + connectTimeout, hashKey: hashKey))
            return
        }
        promise.succeed(Lease(connection: connection, key: key, startedAt: startedAt))
    }

    private func perform(_ action: Pool.Action, endpoint: Int) {
        switch action {
        case .none, .queued:
            break
        case .lease(let id, let waiterID):
            guard let waiter = state.value.waiters.removeValue(forKey: waiterID) else { return }
            waiter.timer.cancel()
            hand(Key(endpoint: endpoint, id: id), to: waiter.promise, startedAt: waiter.startedAt, hashKey: waiter.hashKey)
        case .connect(let id):
            connect(Key(endpoint: endpoint, id: id))
        case .park(let id, let deadline):
            guard let deadline else { return }
            eventLoop.scheduleTask(deadline: deadline) { [self] in
                perform(state.value.pools[endpoint].idleTimerFired(id, now: .now()), endpoint: endpoint)
            }
        case .close(let id):
            state.value.connections.removeValue(forKey: Key(endpoint: endpoint, id: id))?.channel.close(promise: nil)
        case .closeAndConnect(let close, let connect):
            if let close { state.value.connections.removeValue(forKey: Key(endpoint: endpoint, id: close))?.channel.close(promise: nil) }
            self.connect(Key(endpoint: endpoint, id: connect))
        case .failWaiters(let ids, let error):
            for id in ids {
                guard let waiter = state.value.waiters.removeValue(forKey: id) else { continue }
                waiter.timer.cancel()
                ended(endpoint, since: waiter.startedAt)
                waiter.promise.fail(error)
            }
        case .shutdown(let ids, let close):
            perform(.failWaiters(ids, ClientError(.shutdown, "the gateway is shutting down")), endpoint: endpoint)
            for id in close { perform(.close(id), endpoint: endpoint) }
        }
    }

    private func connect(_ key: Key) {
        let endpoint = endpoints[key.endpoint]
        UpstreamConnection.connect(
            to: endpoint, tls: tls?[key.endpoint], connectTimeout: connectTimeout, on: eventLoop, logger: logger)
            .whenComplete { [self] result in
                switch result {
                case .success(let connection):
                    state.value.connections[key] = connection
                    connection.channel.closeFuture.whenComplete { [self] _ in
                        state.value.connections.removeValue(forKey: key)
                        perform(state.value.pools[key.endpoint].closed(key.id), endpoint: key.endpoint)
                    }
                    perform(state.value.pools[key.endpoint].connected(key.id, now: .now()), endpoint: key.endpoint)
                case .failure(let error):
                    let clientError = error as? ClientError ?? ClientError(.connectFailed, "\(error)")
                    // The client hears only that the service is unreachable; why (a refused certificate...) is here.
                    logger.warning(
                        "upstream connection failed", metadata: ["endpoint": "\(endpoint)", "error": "\(clientError)"])
                    perform(state.value.pools[key.endpoint].connectFailed(key.id, error: clientError), endpoint: key.endpoint)
                }
            }
    }

    /// Closes idle connections and fails queued exchanges; leased connections close when released.
    /// Must run on `eventLoop`.
    func shutdown() {
        for endpoint in state.value.pools.indices {
            perform(state.value.pools[endpoint].shutdown(), endpoint: endpoint)
        }
    }
}
