internal import Logging
internal import NIOCore
internal import SluiceClient

/// One event loop's connections to one endpoint of an HTTP service: a ``ConnectionPoolStateMachine`` (the pure
/// pool the Thrift client's Framed/Buffered transports use), the connections it leases and the exchanges it
/// queues. Which endpoint a request goes to is its cluster's choice (SluiceClient's `HTTPWire`); this is where it then waits
/// for a connection.
///
/// Everything happens on `eventLoop`, where the client connections it serves live too: a proxied request, its
/// upstream connection and the bytes between them stay on one thread, with no lock and no hop.
final class UpstreamShard: Sendable {
    typealias Pool = ConnectionPoolStateMachine

    /// A leased connection; ``UpstreamShard/release(_:reusable:)`` gives it back exactly once.
    struct Lease: Sendable {
        let connection: UpstreamConnection
        fileprivate let id: Pool.ConnectionID
    }

    /// Where a lease goes: a callback rather than a promise, so a proxied request that finds an idle connection
    /// allocates no future on the way (each is an allocation and a generic metadata lookup, per request).
    typealias Completion = (Result<Lease, any Error>) -> Void

    private struct Waiter {
        var completion: Completion
        var timer: Scheduled<Void>
    }

    private struct State {
        var pool: Pool
        var waiters: [Pool.WaiterID: Waiter] = [:]
        var connections: [Pool.ConnectionID: UpstreamConnection] = [:]
        var nextWaiterID = 0
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
        pool: Pool.Configuration,
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
        self.state = .makeBoxSendingValue(State(pool: Pool(configuration: pool)), eventLoop: eventLoop)
    }

    /// Hands `completion` a connection for one request, or a `ClientError` (connect failure, or none free by
    /// `deadline`): at once when one is idle, else later on `eventLoop`. Must run on `eventLoop`.
    func lease(deadline: NIODeadline, _ completion: @escaping Completion) {
        let waiter = state.value.nextWaiterID
        state.value.nextWaiterID &+= 1
        let action = state.value.pool.request(waiter)
        switch action {
        case .lease(let id, _):
            hand(id, to: completion)
        case .connect, .queued:
            let timer = eventLoop.scheduleTask(deadline: deadline) { [self] in
                perform(state.value.pool.waiterTimedOut(waiter))
            }
            state.value.waiters[waiter] = Waiter(completion: completion, timer: timer)
            perform(action)
        case .failWaiters(_, let error):
            completion(.failure(error))
        case .none, .park, .close, .closeAndConnect, .shutdown:
            completion(.failure(ClientError(.shutdown, "the connection pool is in an unexpected state")))
        }
    }

    /// The exchange is done with `lease`. `reusable: false` when the connection cannot carry another request
    /// (the response was cut short, the request was not fully sent, or the upstream asked to close).
    func release(_ lease: Lease, reusable: Bool) {
        lease.connection.handler.delegate = nil
        // A read held back for the client's sake resumes: an idle connection reads to notice a close.
        lease.connection.handler.resumeReading()
        let reusable = reusable && lease.connection.channel.isActive
        perform(state.value.pool.released(lease.id, reusable: reusable, now: .now()))
    }

    private func hand(_ id: Pool.ConnectionID, to completion: @escaping Completion) {
        guard let connection = state.value.connections[id], connection.channel.isActive else {
            // The upstream closed it while it idled and the close is not processed yet: forget it, try again.
            state.value.connections.removeValue(forKey: id)?.channel.close(promise: nil)
            perform(state.value.pool.closed(id))
            lease(deadline: .now() + connectTimeout, completion)
            return
        }
        completion(.success(Lease(connection: connection, id: id)))
    }

    private func perform(_ action: Pool.Action) {
        switch action {
        case .none, .queued:
            break
        case .lease(let id, let waiterID):
            guard let waiter = state.value.waiters.removeValue(forKey: waiterID) else { return }
            waiter.timer.cancel()
            hand(id, to: waiter.completion)
        case .connect(let id):
            connect(id)
        case .park(let id, let deadline):
            guard let deadline else { return }
            eventLoop.scheduleTask(deadline: deadline) { [self] in
                perform(state.value.pool.idleTimerFired(id, now: .now()))
            }
        case .close(let id):
            state.value.connections.removeValue(forKey: id)?.channel.close(promise: nil)
        case .closeAndConnect(let close, let connect):
            if let close { state.value.connections.removeValue(forKey: close)?.channel.close(promise: nil) }
            self.connect(connect)
        case .failWaiters(let ids, let error):
            for id in ids {
                guard let waiter = state.value.waiters.removeValue(forKey: id) else { continue }
                waiter.timer.cancel()
                waiter.completion(.failure(error))
            }
        case .shutdown(let ids, let close):
            perform(.failWaiters(ids, ClientError(.shutdown, "the endpoint's connections are shutting down")))
            for id in close { perform(.close(id)) }
        }
    }

    private func connect(_ id: Pool.ConnectionID) {
        UpstreamConnection.connect(to: endpoint, tls: tls, connectTimeout: connectTimeout, on: eventLoop, logger: logger)
            .whenComplete { [self] result in
                switch result {
                case .success(let connection):
                    state.value.connections[id] = connection
                    connections?.opened()
                    connection.channel.closeFuture.whenComplete { [self] _ in
                        connections?.closed()
                        state.value.connections.removeValue(forKey: id)
                        perform(state.value.pool.closed(id))
                    }
                    perform(state.value.pool.connected(id, now: .now()))
                case .failure(let error):
                    let clientError = error as? ClientError ?? ClientError(.connectFailed, "\(error)")
                    // The client hears only that the service is unreachable; why (a refused certificate...) is here.
                    logger.warning(
                        "upstream connection failed", metadata: ["endpoint": "\(endpoint)", "error": "\(clientError)"])
                    perform(state.value.pool.connectFailed(id, error: clientError))
                }
            }
    }

    /// Closes idle connections and fails queued exchanges; leased connections close when released.
    /// Must run on `eventLoop`.
    func shutdown() {
        perform(state.value.pool.shutdown())
    }
}
