internal import Logging
internal import NIOCore
internal import Synchronization

/// Framed/Buffered: per endpoint, a pool of long connections carrying one call at a time (see
/// ``ConnectionPoolStateMachine``). Endpoints are picked round-robin.
///
/// The pools' state is shared by all event loops and kept under one lock; timers are scheduled and I/O is done
/// after the lock is released.
final class PooledCallTransport: ThriftCallTransport {
    private struct Waiter {
        var call: OutboundCall
        var promise: EventLoopPromise<ThriftReply>
        var timer: Scheduled<Void>?
    }

    private struct ConnectionKey: Hashable {
        var endpoint: Int
        var id: ConnectionPoolStateMachine.ConnectionID
    }

    private struct State {
        var pools: [ConnectionPoolStateMachine]
        var waiters: [Int: Waiter] = [:]
        var connections: [ConnectionKey: ThriftConnection] = [:]
        var nextWaiterID = 0
        var nextEndpoint = 0
    }

    /// An action with the objects it concerns, taken out of the state while the lock was held.
    private enum Effect {
        case none
        case lease(ThriftConnection?, Waiter?)
        case connect(ConnectionKey)
        case park(ConnectionKey, ThriftConnection?, NIODeadline)
        case close([ThriftConnection])
        case closeAndConnect(ThriftConnection?, ConnectionKey)
        case fail([Waiter], ClientError)
        case shutdown([Waiter], [ThriftConnection])
    }

    private let settings: [ConnectionSettings]
    private let connectTimeout: TimeAmount
    private let group: any EventLoopGroup
    private let logger: Logger
    private let state: Mutex<State>

    init(
        settings: [ConnectionSettings],
        pool: ConnectionPoolStateMachine.Configuration,
        connectTimeout: TimeAmount,
        group: any EventLoopGroup,
        logger: Logger
    ) {
        self.settings = settings
        self.connectTimeout = connectTimeout
        self.group = group
        self.logger = logger
        self.state = Mutex(
            State(pools: Array(repeating: ConnectionPoolStateMachine(configuration: pool), count: settings.count)))
    }

    func send(_ call: OutboundCall, promise: EventLoopPromise<ThriftReply>) {
        guard !settings.isEmpty else {
            promise.fail(ClientError(.noEndpoints, "no endpoints configured"))
            return
        }
        let effect = state.withLock { state -> (Effect, endpoint: Int, waiter: Int) in
            let endpoint = state.nextEndpoint
            state.nextEndpoint = (endpoint + 1) % state.pools.count
            let id = state.nextWaiterID
            state.nextWaiterID += 1
            state.waiters[id] = Waiter(call: call, promise: promise, timer: nil)
            let action = state.pools[endpoint].request(id, on: ObjectIdentifier(promise.futureResult.eventLoop))
            return (Self.resolve(action, endpoint: endpoint, in: &state), endpoint, id)
        }
        switch effect.0 {
        case .connect, .none:
            // Queued (behind a new connection or a full pool).
            armWaiterTimer(endpoint: effect.endpoint, waiter: effect.waiter, call: call, promise: promise)
        default:
            break
        }
        perform(effect.0, on: promise.futureResult.eventLoop)
    }

    /// A queued caller fails on its own deadline. Armed after the lock is released; if the caller was served in
    /// the meantime the timer is cancelled at once.
    private func armWaiterTimer(endpoint: Int, waiter: Int, call: OutboundCall, promise: EventLoopPromise<ThriftReply>) {
        let timer = promise.futureResult.eventLoop.scheduleTask(deadline: call.deadline) { [self] in
            let effect = state.withLock { state in
                Self.resolve(state.pools[endpoint].waiterTimedOut(waiter), endpoint: endpoint, in: &state)
            }
            perform(effect, on: nil)
        }
        let stillQueued = state.withLock { state -> Bool in
            guard state.waiters[waiter] != nil else { return false }
            state.waiters[waiter]?.timer = timer
            return true
        }
        if !stillQueued { timer.cancel() }
    }

    private static func resolve(
        _ action: ConnectionPoolStateMachine.Action,
        endpoint: Int,
        in state: inout State
    ) -> Effect {
        func key(_ id: Int) -> ConnectionKey { ConnectionKey(endpoint: endpoint, id: id) }
        switch action {
        case .none, .queued:
            return .none
        case .lease(let connection, let waiter):
            return .lease(state.connections[key(connection)], state.waiters.removeValue(forKey: waiter))
        case .connect(let id):
            return .connect(key(id))
        case .park(let id, let deadline):
            guard let deadline else { return .none }
            return .park(key(id), state.connections[key(id)], deadline)
        case .close(let id):
            return .close(state.connections.removeValue(forKey: key(id)).map { [$0] } ?? [])
        case .closeAndConnect(let close, let connect):
            let closing = close.flatMap { state.connections.removeValue(forKey: key($0)) }
            return .closeAndConnect(closing, key(connect))
        case .failWaiters(let ids, let error):
            return .fail(ids.compactMap { state.waiters.removeValue(forKey: $0) }, error)
        case .shutdown(let waiterIDs, _):
            let waiters = waiterIDs.compactMap { state.waiters.removeValue(forKey: $0) }
            return .shutdown(waiters, [])
        }
    }

    private func perform(_ effect: Effect, on eventLoop: (any EventLoop)?) {
        switch effect {
        case .none:
            break
        case .lease(let connection, let waiter):
            guard let waiter else {
                // Cannot happen: a queued waiter is only removed by its lease, its timeout or shutdown, each under
                // the lock that also removed it from the queue.
                assertionFailure("leased to a waiter that is gone")
                return
            }
            waiter.timer?.cancel()
            guard let connection else {
                waiter.promise.fail(ClientError(.connectionClosed, "pooled connection vanished"))
                return
            }
            connection.send(waiter.call, promise: waiter.promise) { [self] call, promise in
                // Closed before the call was written (the peer dropped an idle connection): queue again.
                self.send(call, promise: promise)
            }
        case .connect(let key):
            connect(key, on: connectionLoop(preferring: eventLoop))
        case .park(let key, let connection, let deadline):
            let loop = connection?.eventLoop ?? group.next()
            loop.scheduleTask(deadline: deadline) { [self] in
                let effect = state.withLock { state in
                    Self.resolve(
                        state.pools[key.endpoint].idleTimerFired(key.id, now: .now()), endpoint: key.endpoint,
                        in: &state)
                }
                perform(effect, on: nil)
            }
        case .close(let connections):
            for connection in connections { connection.close() }
        case .closeAndConnect(let connection, let key):
            connection?.close()
            connect(key, on: connectionLoop(preferring: eventLoop))
        case .fail(let waiters, let error):
            for waiter in waiters {
                waiter.timer?.cancel()
                waiter.promise.fail(error)
            }
        case .shutdown(let waiters, let connections):
            for waiter in waiters {
                waiter.timer?.cancel()
                waiter.promise.fail(ClientError(.shutdown, "the client is shut down"))
            }
            for connection in connections { connection.close() }
        }
    }

    /// The caller's loop when it belongs to the client's group (the connection then lives where its callers
    /// are), else the group's next loop: connections only ever run on the group the client was given.
    private func connectionLoop(preferring preferred: (any EventLoop)?) -> any EventLoop {
        if let preferred, group.makeIterator().contains(where: { $0 === preferred }) {
            return preferred
        }
        return group.next()
    }

    private func connect(_ key: ConnectionKey, on eventLoop: any EventLoop) {
        let endpointSettings = settings[key.endpoint]
        ThriftConnection.connect(
            settings: endpointSettings, connectTimeout: connectTimeout, on: eventLoop,
            onReleased: { [self] reusable in
                let effect = state.withLock { state in
                    Self.resolve(
                        state.pools[key.endpoint].released(key.id, reusable: reusable, now: .now()),
                        endpoint: key.endpoint, in: &state)
                }
                perform(effect, on: nil)
            }
        ).whenComplete { [self] result in
            switch result {
            case .success(let connection):
                let effect = state.withLock { state in
                    state.connections[key] = connection
                    let loop = ObjectIdentifier(connection.eventLoop)
                    return Self.resolve(
                        state.pools[key.endpoint].connected(key.id, on: loop, now: .now()), endpoint: key.endpoint,
                        in: &state)
                }
                connection.channel.closeFuture.whenComplete { [self] _ in
                    let effect = state.withLock { state in
                        state.connections.removeValue(forKey: key)
                        return Self.resolve(state.pools[key.endpoint].closed(key.id), endpoint: key.endpoint, in: &state)
                    }
                    perform(effect, on: nil)
                }
                perform(effect, on: connection.eventLoop)
            case .failure(let error):
                logger.debug(
                    "connect failed", metadata: ["endpoint": "\(endpointSettings.endpoint)", "error": "\(error)"])
                let clientError = error as? ClientError ?? ClientError(.connectFailed, "\(error)")
                let effect = state.withLock { state in
                    Self.resolve(
                        state.pools[key.endpoint].connectFailed(key.id, error: clientError), endpoint: key.endpoint,
                        in: &state)
                }
                perform(effect, on: nil)
            }
        }
    }

    func shutdown() async {
        let (effects, open) = state.withLock { state -> ([Effect], [ThriftConnection]) in
            var effects: [Effect] = []
            for endpoint in state.pools.indices {
                effects.append(Self.resolve(state.pools[endpoint].shutdown(), endpoint: endpoint, in: &state))
            }
            let open = Array(state.connections.values)
            state.connections.removeAll()
            return (effects, open)
        }
        for effect in effects { perform(effect, on: nil) }
        for connection in open {
            try? await connection.channel.close()
        }
    }
}
