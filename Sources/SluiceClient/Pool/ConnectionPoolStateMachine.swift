package import NIOCore

/// The pool of one endpoint for the one-request-per-connection transports (Framed, Buffered), and for HTTP/1.1
/// upstreams (the gateway's Proxy/).
///
/// A pure value; the owner feeds it events (with the current time, so tests need no clock) and performs the
/// returned action. Connections and waiting callers are known by ID; the owner keeps the objects.
///
/// Rules: at most `maxConnections` connections (connecting, idle or leased); callers beyond that wait in FIFO
/// order and fail on their own timeout; a released connection goes to the oldest waiter, else idles. A release
/// never closes a healthy connection: under steady load the pool keeps the connections it needed and opens no
/// new ones, whatever `maxIdleConnections` is. Idle connections are trimmed by their timers only: one that has
/// idled for `idleTimeout` is closed while more than `maxIdleConnections` are idle, and otherwise kept (checked
/// again an `idleTimeout` later), so a quiet pool settles at `maxIdleConnections` warm connections.
package struct ConnectionPoolStateMachine {
    package typealias ConnectionID = Int
    package typealias WaiterID = Int

    package struct Configuration: Hashable {
        package var maxConnections: Int
        /// Idle connections kept past `idleTimeout`.
        package var maxIdleConnections: Int
        package var idleTimeout: TimeAmount

        package init(maxConnections: Int, maxIdleConnections: Int, idleTimeout: TimeAmount) {
            self.maxConnections = maxConnections
            self.maxIdleConnections = maxIdleConnections
            self.idleTimeout = idleTimeout
        }
    }

    package enum ConnectionState: Hashable {
        case connecting
        case idle(since: NIODeadline)
        case leased
    }

    package enum Action: Hashable {
        case none
        /// Give the connection to the waiter.
        case lease(ConnectionID, to: WaiterID)
        /// Open a new connection (the caller is queued and will get the first connection available).
        case connect(ConnectionID)
        /// The caller is queued behind a full pool.
        case queued
        /// The connection idles; arm its idle timer for `idleDeadline` (nil: a timer is armed already).
        case park(ConnectionID, idleDeadline: NIODeadline?)
        case close(ConnectionID)
        /// A connection is gone and the queue needs a replacement.
        case closeAndConnect(close: ConnectionID?, connect: ConnectionID)
        case failWaiters([WaiterID], ClientError)
        case shutdown(failWaiters: [WaiterID], close: [ConnectionID])
    }

    package let configuration: Configuration
    package private(set) var connections: [ConnectionID: ConnectionState] = [:]
    package private(set) var waiters = CircularBuffer<WaiterID>()
    private var nextConnectionID: ConnectionID = 0
    package private(set) var isShutdown = false
    /// Connections with an idle timer scheduled. One timer per connection, re-armed when it fires early, so a
    /// busy pool does not pile up a timer per request.
    private var armedIdleTimers: Set<ConnectionID> = []
    /// Idle connections, most recently idled last: callers take from the end, so the pool reuses the warmest
    /// connections (the least likely to have been dropped by the peer) and lets the others reach the timeout.
    private var idleStack: [ConnectionID] = []

    package init(configuration: Configuration) {
        self.configuration = configuration
    }

    package var idleCount: Int { idleStack.count }

    /// Removes a connection, wherever it is.
    private mutating func forget(_ id: ConnectionID) {
        if case .idle = connections.removeValue(forKey: id), let index = idleStack.lastIndex(of: id) {
            idleStack.remove(at: index)
        }
    }

    private mutating func newConnection() -> ConnectionID {
        let id = nextConnectionID
        nextConnectionID += 1
        connections[id] = .connecting
        return id
    }

    /// A caller wants a connection.
    package mutating func request(_ waiter: WaiterID) -> Action {
        if isShutdown { return .failWaiters([waiter], ClientError(.shutdown, "the client is shut down")) }
        if let id = idleStack.popLast() {
            connections[id] = .leased
            return .lease(id, to: waiter)
        }
        waiters.append(waiter)
        if connections.count < configuration.maxConnections {
            return .connect(newConnection())
        }
        return .queued
    }

    /// A connection finished connecting.
    package mutating func connected(_ id: ConnectionID, now: NIODeadline) -> Action {
        guard connections[id] == .connecting else { return .close(id) }
        return makeAvailable(id, now: now)
    }

    /// A connection could not be opened. The oldest waiter gets the error; if no connection is left that could
    /// serve the others, they all do (nothing would ever wake them otherwise before their timeouts).
    package mutating func connectFailed(_ id: ConnectionID, error: ClientError) -> Action {
        guard connections[id] != nil else { return .none }
        forget(id)
        var failed: [WaiterID] = []
        if let first = waiters.popFirst() { failed.append(first) }
        if connections.isEmpty {
            while let waiter = waiters.popFirst() { failed.append(waiter) }
        }
        return failed.isEmpty ? .none : .failWaiters(failed, error)
    }

    /// A leased connection finished its request. `reusable: false` when the connection cannot carry another
    /// request (it timed out, so its late reply may still arrive).
    package mutating func released(_ id: ConnectionID, reusable: Bool, now: NIODeadline) -> Action {
        guard connections[id] == .leased else { return .none }
        guard reusable, !isShutdown else {
            forget(id)
            if !waiters.isEmpty, !isShutdown { return .closeAndConnect(close: id, connect: newConnection()) }
            return .close(id)
        }
        return makeAvailable(id, now: now)
    }

    private mutating func makeAvailable(_ id: ConnectionID, now: NIODeadline) -> Action {
        if isShutdown {
            forget(id)
            return .close(id)
        }
        if let waiter = waiters.popFirst() {
            connections[id] = .leased
            return .lease(id, to: waiter)
        }
        connections[id] = .idle(since: now)
        idleStack.append(id)
        guard armedIdleTimers.insert(id).inserted else { return .park(id, idleDeadline: nil) }
        return .park(id, idleDeadline: now + configuration.idleTimeout)
    }

    /// A connection closed on its own (peer closed, error). A leased one's request is failed by its owner.
    package mutating func closed(_ id: ConnectionID) -> Action {
        guard connections[id] != nil else { return .none }
        forget(id)
        armedIdleTimers.remove(id)
        if !waiters.isEmpty, !isShutdown, connections.count < configuration.maxConnections {
            return .closeAndConnect(close: nil, connect: newConnection())
        }
        return .none
    }

    /// A waiter's deadline passed while it was still queued.
    package mutating func waiterTimedOut(_ waiter: WaiterID) -> Action {
        guard let index = waiters.firstIndex(of: waiter) else { return .none }
        waiters.remove(at: index)
        return .failWaiters([waiter], ClientError(.requestTimeout, "timed out waiting for a free connection", requestWritten: false))
    }

    /// An idle timer fired. A connection that has idled for the whole timeout is closed if it is surplus (more
    /// than `maxIdleConnections` idle), else kept and checked again a timeout later; one that idled again more
    /// recently has its timer re-armed for then. A leased connection's timer lapses; its next park arms one.
    package mutating func idleTimerFired(_ id: ConnectionID, now: NIODeadline) -> Action {
        armedIdleTimers.remove(id)
        guard case .idle(let since) = connections[id] else { return .none }
        let deadline = since + configuration.idleTimeout
        guard deadline <= now else {
            armedIdleTimers.insert(id)
            return .park(id, idleDeadline: deadline)
        }
        guard idleCount > configuration.maxIdleConnections else {
            armedIdleTimers.insert(id)
            return .park(id, idleDeadline: now + configuration.idleTimeout)
        }
        forget(id)
        return .close(id)
    }

    /// Fails every waiter and closes idle and connecting connections; leased ones close when released.
    package mutating func shutdown() -> Action {
        isShutdown = true
        var failed: [WaiterID] = []
        while let waiter = waiters.popFirst() { failed.append(waiter) }
        let idle = idleStack
        for id in idle { forget(id) }
        let connecting = connections.filter { $0.value == .connecting }.map(\.key)
        for id in connecting { forget(id) }
        return .shutdown(failWaiters: failed, close: (idle + connecting).sorted())
    }
}
