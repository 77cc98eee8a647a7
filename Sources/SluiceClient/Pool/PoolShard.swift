internal import Logging
internal import NIOCore

/// One event loop's share of a pooled (Framed/Buffered) client: a ``ConnectionPoolStateMachine`` per endpoint,
/// the connections they lease out and the callers they queue, with endpoints picked round-robin.
///
/// Everything here happens on `eventLoop`, where the shard's connections also live: a call, its connection and
/// its reply stay on one thread, with no lock and no hop. The loop-bound box checks that on every access.
final class PoolShard: Sendable {
    typealias Pool = ConnectionPoolStateMachine

    private struct Waiter: Sendable {
        var call: OutboundCall
        var promise: EventLoopPromise<ThriftReply>
        var timer: Scheduled<Void>
    }

    private struct Key: Hashable, Sendable {
        var endpoint: Int
        var id: Pool.ConnectionID
    }

    private struct State: Sendable {
        var pools: [Pool]
        var waiters: [Pool.WaiterID: Waiter] = [:]
        var connections: [Key: ThriftConnection] = [:]
        var nextWaiterID = 0
        var endpoints = EndpointRotation()
    }

    let eventLoop: any EventLoop
    private let settings: [ConnectionSettings]
    private let connectTimeout: TimeAmount
    private let logger: Logger
    private let state: NIOLoopBoundBox<State>

    /// - Parameter settings: one per endpoint; at least one.
    init(
        settings: [ConnectionSettings],
        pool: Pool.Configuration,
        connectTimeout: TimeAmount,
        eventLoop: any EventLoop,
        logger: Logger
    ) {
        self.eventLoop = eventLoop
        self.settings = settings
        self.connectTimeout = connectTimeout
        self.logger = logger
        self.state = .makeBoxSendingValue(
            State(pools: Array(repeating: Pool(configuration: pool), count: settings.count)), eventLoop: eventLoop)
    }

    /// Must run on `eventLoop`.
    func send(_ call: OutboundCall, promise: EventLoopPromise<ThriftReply>) {
        let (endpoint, waiter, action) = state.withValue { state in
            let endpoint = state.endpoints.next(of: state.pools.count)
            let waiter = state.nextWaiterID
            state.nextWaiterID &+= 1
            return (endpoint, waiter, state.pools[endpoint].request(waiter))
        }
        switch action {
        case .lease(let id, _):
            // The steady-state path: an idle connection, used at once; the caller is never queued.
            lease(Key(endpoint: endpoint, id: id), call, promise)
        case .connect, .queued:
            let timer = eventLoop.scheduleTask(deadline: call.deadline) { [self] in
                perform(state.value.pools[endpoint].waiterTimedOut(waiter), endpoint: endpoint)
            }
            state.value.waiters[waiter] = Waiter(call: call, promise: promise, timer: timer)
            perform(action, endpoint: endpoint)
        case .failWaiters(_, let error):
            promise.fail(error)
        case .none, .park, .close, .closeAndConnect, .shutdown:
            // `request` answers none of these.
            promise.fail(ClientError(.shutdown, "the connection pool is in an unexpected state"))
        }
    }

    private func lease(_ key: Key, _ call: OutboundCall, _ promise: EventLoopPromise<ThriftReply>) {
        guard let connection = state.value.connections[key] else {
            // Cannot happen: a connection is in the table from its connect until it closes, and the pool only
            // leases connected ones. Fail the call and let the pool forget the connection.
            promise.fail(ClientError(.connectionClosed, "pooled connection vanished", requestWritten: false))
            perform(state.value.pools[key.endpoint].closed(key.id), endpoint: key.endpoint)
            return
        }
        connection.send(call, promise: promise) { [self] call, promise in
            // Closed before the call was written (the peer dropped an idle connection): queue again.
            send(call, promise: promise)
        }
    }

    private func perform(_ action: Pool.Action, endpoint: Int) {
        switch action {
        case .none, .queued:
            break
        case .lease(let id, let waiterID):
            guard let waiter = state.value.waiters.removeValue(forKey: waiterID) else {
                // Cannot happen: a waiter leaves the pool's queue and this table together, on this loop.
                assertionFailure("leased to a waiter that is gone")
                return
            }
            waiter.timer.cancel()
            lease(Key(endpoint: endpoint, id: id), waiter.call, waiter.promise)
        case .connect(let id):
            connect(Key(endpoint: endpoint, id: id))
        case .park(let id, let deadline):
            guard let deadline else { return }
            eventLoop.scheduleTask(deadline: deadline) { [self] in
                perform(state.value.pools[endpoint].idleTimerFired(id, now: .now()), endpoint: endpoint)
            }
        case .close(let id):
            state.value.connections.removeValue(forKey: Key(endpoint: endpoint, id: id))?.close()
        case .closeAndConnect(let close, let connect):
            if let close { state.value.connections.removeValue(forKey: Key(endpoint: endpoint, id: close))?.close() }
            self.connect(Key(endpoint: endpoint, id: connect))
        case .failWaiters(let ids, let error):
            fail(ids, error)
        case .shutdown(let ids, _):
            // The connections are closed by `shutdown()`, which returns all of them.
            fail(ids, ClientError(.shutdown, "the client is shut down"))
        }
    }

    private func fail(_ ids: [Pool.WaiterID], _ error: ClientError) {
        for id in ids {
            guard let waiter = state.value.waiters.removeValue(forKey: id) else { continue }
            waiter.timer.cancel()
            waiter.promise.fail(error)
        }
    }

    private func connect(_ key: Key) {
        let endpointSettings = settings[key.endpoint]
        ThriftConnection.connect(
            settings: endpointSettings, connectTimeout: connectTimeout, on: eventLoop,
            onReleased: { [self] reusable in
                perform(
                    state.value.pools[key.endpoint].released(key.id, reusable: reusable, now: .now()),
                    endpoint: key.endpoint)
            }
        ).whenComplete { [self] result in
            switch result {
            case .success(let connection):
                state.value.connections[key] = connection
                connection.channel.closeFuture.whenComplete { [self] _ in
                    state.value.connections.removeValue(forKey: key)
                    perform(state.value.pools[key.endpoint].closed(key.id), endpoint: key.endpoint)
                }
                perform(state.value.pools[key.endpoint].connected(key.id, now: .now()), endpoint: key.endpoint)
            case .failure(let error):
                logger.debug(
                    "connect failed", metadata: ["endpoint": "\(endpointSettings.endpoint)", "error": "\(error)"])
                let clientError = error as? ClientError ?? ClientError(.connectFailed, "\(error)")
                perform(
                    state.value.pools[key.endpoint].connectFailed(key.id, error: clientError), endpoint: key.endpoint)
            }
        }
    }

    /// Fails the queued callers and hands back every open connection for the caller to close. Must run on
    /// `eventLoop`.
    func shutdown() -> [ThriftConnection] {
        for endpoint in state.value.pools.indices {
            perform(state.value.pools[endpoint].shutdown(), endpoint: endpoint)
        }
        let open = Array(state.value.connections.values)
        state.value.connections.removeAll()
        return open
    }
}
