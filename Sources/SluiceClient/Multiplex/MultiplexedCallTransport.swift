internal import Logging
internal import NIOCore
internal import Synchronization

/// TTHeader/THeader: `connectionsPerEndpoint` long connections per endpoint, each carrying many calls at once,
/// picked round-robin. A connection that closes fails its calls (its handler does) and leaves an empty slot that
/// the next pick reconnects; one that retires (``RequestByteBudget``) leaves its slot at once and closes later.
final class MultiplexedCallTransport: ThriftCallTransport {
    private typealias Slots = ConnectionSlots<ThriftConnection, EventLoopPromise<ThriftConnection>>

    private struct State {
        var slots: Slots
        var isShutdown = false
    }

    private let settings: [ConnectionSettings]
    private let connectTimeout: TimeAmount
    private let group: any EventLoopGroup
    /// The group's loops, and each one's index, for the slots' home loops.
    private let loops: [any EventLoop]
    private let loopIndices: [ObjectIdentifier: Int]
    private let logger: Logger
    private let state: Mutex<State>
    let connections: ConnectionGauge?

    init(
        settings: [ConnectionSettings],
        connectionsPerEndpoint: Int,
        connectTimeout: TimeAmount,
        group: any EventLoopGroup,
        logger: Logger
    ) {
        let gauge = ConnectionGauge()
        self.connections = gauge
        self.settings = settings.map { $0.counted(by: gauge) }
        self.connectTimeout = connectTimeout
        self.group = group
        self.logger = logger
        var loops = Array(group.makeIterator())
        if loops.isEmpty { loops = [group.next()] }
        self.loops = loops
        self.loopIndices = Dictionary(
            loops.enumerated().map { (ObjectIdentifier($0.element), $0.offset) }, uniquingKeysWith: { first, _ in first })
        self.state = Mutex(
            State(
                slots: Slots(
                    endpointCount: settings.count, connectionsPerEndpoint: connectionsPerEndpoint,
                    loopCount: loops.count)))
    }

    func send(_ call: OutboundCall, promise: EventLoopPromise<ThriftReply>) {
        send(call, promise: promise, attempt: 0)
    }

    private func send(_ call: OutboundCall, promise: EventLoopPromise<ThriftReply>, attempt: Int) {
        let loops = self.loops
        let callerLoop = loopIndices[ObjectIdentifier(promise.futureResult.eventLoop)]
        let action = state.withLock { state -> Slots.PickAction? in
            if state.isShutdown { return nil }
            return state.slots.pick(callerLoop: callerLoop) { loopIndex in
                loops[loopIndex].makePromise(of: ThriftConnection.self)
            }
        }
        // A connection that closed between the pick and the write did not see the call: try one more slot
        // (which reconnects if it was that same one), so a peer's close does not fail calls it never received.
        let retry: RetryHandler?
        if attempt == 0 {
            retry = { @Sendable [self] call, promise in self.send(call, promise: promise, attempt: 1) }
        } else {
            retry = nil
        }
        switch action {
        case nil:
            promise.fail(ClientError(.shutdown, "the client is shut down"))
        case .noEndpoints:
            promise.fail(ClientError(.noEndpoints, "no endpoints configured"))
        case .use(let connection):
            connection.send(call, promise: promise, retry: retry)
        case .join(let pending):
            Self.send(call, promise: promise, retry: retry, after: pending.futureResult)
        case .connect(let slot, let id, let endpointIndex, _, let pending):
            connect(slot: slot, id: id, settings: settings[endpointIndex], pending: pending)
            Self.send(call, promise: promise, retry: retry, after: pending.futureResult)
        }
    }

    /// Sends once the connection is up, unless the call's deadline passes first: a connect may take up to the
    /// connect timeout, which can be longer than the call's own.
    private static func send(
        _ call: OutboundCall,
        promise: EventLoopPromise<ThriftReply>,
        retry: RetryHandler?,
        after connection: EventLoopFuture<ThriftConnection>
    ) {
        let claim = CallClaim()
        let timer = promise.futureResult.eventLoop.scheduleTask(deadline: call.deadline) {
            guard claim.take() else { return }
            promise.fail(ClientError(.requestTimeout, "timed out while connecting", requestWritten: false))
        }
        connection.whenComplete { result in
            guard claim.take() else { return }
            timer.cancel()
            switch result {
            case .success(let connection): connection.send(call, promise: promise, retry: retry)
            case .failure(let error): promise.fail(Self.clientError(error))
            }
        }
    }

    private func connect(slot: Int, id: Int, settings: ConnectionSettings, pending: EventLoopPromise<ThriftConnection>) {
        // A retiring connection leaves its slot at once, so the next pick opens its successor while it drains.
        let onRetiring: @Sendable () -> Void = { [self] in
            logger.debug("connection retiring", metadata: ["endpoint": "\(settings.endpoint)", "slot": "\(slot)"])
            state.withLock { $0.slots.reset(slot: slot, id: id) }
        }
        ThriftConnection.connect(
            settings: settings, connectTimeout: connectTimeout, on: pending.futureResult.eventLoop, onReleased: nil,
            onRetiring: onRetiring
        ).whenComplete { [self] result in
            switch result {
            case .success(let connection):
                let kept = state.withLock { $0.slots.connected(slot: slot, id: id, connection) }
                guard kept else {
                    connection.close()
                    pending.fail(ClientError(.shutdown, "the client is shut down"))
                    return
                }
                logger.debug("connected", metadata: ["endpoint": "\(settings.endpoint)", "slot": "\(slot)"])
                connection.channel.closeFuture.whenComplete { [self] _ in
                    logger.debug("connection closed", metadata: ["endpoint": "\(settings.endpoint)", "slot": "\(slot)"])
                    state.withLock { $0.slots.reset(slot: slot, id: id) }
                }
                pending.succeed(connection)
            case .failure(let error):
                logger.debug("connect failed", metadata: ["endpoint": "\(settings.endpoint)", "error": "\(error)"])
                state.withLock { $0.slots.reset(slot: slot, id: id) }
                pending.fail(error)
            }
        }
    }

    private static func clientError(_ error: any Error) -> ClientError {
        error as? ClientError ?? ClientError(.connectFailed, "\(error)")
    }

    func shutdown() async {
        let (connections, pending) = state.withLock { state in
            state.isShutdown = true
            return state.slots.removeAll()
        }
        for waiting in pending {
            waiting.fail(ClientError(.shutdown, "the client is shut down"))
        }
        for connection in connections {
            try? await connection.channel.close()
        }
    }
}

/// Decides which of two racing events (connected, deadline) gets to complete a call.
private final class CallClaim: Sendable {
    private let taken = Atomic<Bool>(false)

    /// True for the first caller only.
    func take() -> Bool {
        !taken.exchange(true, ordering: .acquiringAndReleasing)
    }
}
