internal import Logging
internal import NIOCore
internal import NIOHTTP2

/// One event loop's share of a ``GRPCClient``: an ``HTTP2ConnectionSet`` per endpoint deciding where each
/// call's stream goes, the connections it opened, and the calls waiting for a stream (beyond the server's
/// SETTINGS_MAX_CONCURRENT_STREAMS, or for a connection), with endpoints picked round-robin.
///
/// Everything here happens on `eventLoop`, where the shard's connections live too: a call made on this loop
/// takes no lock and no thread hop.
final class GRPCShard: Sendable {
    private struct Key: Hashable {
        var endpoint: Int
        var id: HTTP2ConnectionSet.ID
    }

    private struct State {
        var sets: [HTTP2ConnectionSet]
        /// Per endpoint, in arrival order; a call that ended while waiting is dropped when it comes up.
        var waiting: [CircularBuffer<GRPCPendingCall>]
        var connections: [Key: GRPCConnection] = [:]
        var rotation = EndpointRotation()
        var isShutDown = false
    }

    /// One endpoint's address, TLS and `:authority`.
    struct Target: Sendable {
        var endpoint: Endpoint
        var tls: ConnectionTLS?
        var authority: String
    }

    let eventLoop: any EventLoop
    private let targets: [Target]
    private let configuration: GRPCClientConfiguration
    private let logger: Logger
    private let state: NIOLoopBoundBox<State>

    /// Counts this shard's open connections with its client's others.
    private let connections: ConnectionGauge?

    init(
        targets: [Target], configuration: GRPCClientConfiguration, eventLoop: any EventLoop, logger: Logger,
        connections: ConnectionGauge? = nil
    ) {
        self.connections = connections
        self.eventLoop = eventLoop
        self.targets = targets
        self.configuration = configuration
        self.logger = logger
        self.state = .makeBoxSendingValue(
            State(
                sets: Array(
                    repeating: HTTP2ConnectionSet(maxConnections: configuration.connectionsPerEndpoint),
                    count: targets.count),
                waiting: Array(repeating: [], count: targets.count)),
            eventLoop: eventLoop)
    }

    /// Must run on `eventLoop`.
    func start(_ call: GRPCPendingCall) {
        guard !state.value.isShutDown else {
            return call.finish(.failure(ClientError(.shutdown, "the gRPC client is shut down")))
        }
        guard !targets.isEmpty else {
            return call.finish(.failure(ClientError(.noEndpoints, "no endpoints configured")))
        }
        let endpoint = state.value.rotation.next(of: targets.count)
        state.value.waiting[endpoint].append(call)
        serve(endpoint)
    }

    /// Gives streams to waiting calls while the endpoint's connections have room, opening a connection when
    /// the set says so.
    private func serve(_ endpoint: Int) {
        while let call = state.value.waiting[endpoint].first {
            if call.isFinished {
                state.value.waiting[endpoint].removeFirst()
                continue
            }
            switch state.value.sets[endpoint].reserveStream() {
            case .use(let id):
                state.value.waiting[endpoint].removeFirst()
                open(call, on: Key(endpoint: endpoint, id: id))
            case .connect(let id):
                return connect(Key(endpoint: endpoint, id: id))
            case .wait:
                return
            }
        }
    }

    private func open(_ call: GRPCPendingCall, on key: Key) {
        let target = targets[key.endpoint]
        guard let connection = state.value.connections[key] else {
            call.finish(.failure(ClientError(.connectionClosed, "the HTTP/2 connection to \(target.endpoint) closed")))
            return streamClosed(key)
        }
        let headers = GRPCRequestHead.headers(
            path: call.path, scheme: target.tls == nil ? "http" : "https", authority: target.authority,
            timeout: call.deadline - .now(), userAgent: configuration.userAgent, metadata: call.metadata)
        let maxMessageSize = configuration.maxMessageSize
        let place = GRPCStreamHandler.Place(
            connection: connection, shard: self, endpointIndex: key.endpoint, endpoint: target.endpoint)
        connection.streamOpened()
        connection.multiplexer.createStreamChannel { stream in
            do {
                try stream.pipeline.syncOperations.addHandler(
                    GRPCStreamHandler(call: call, headers: headers, place: place, maxMessageSize: maxMessageSize))
            } catch {
                return stream.eventLoop.makeFailedFuture(error)
            }
            // The loop's cached succeeded future: no allocation per call.
            return stream.eventLoop.makeSucceededVoidFuture()
        }.whenComplete { [self] result in
            switch result {
            case .success(let stream):
                call.attach(stream)
                stream.closeFuture.whenComplete { [self] _ in
                    connection.streamClosed()
                    streamClosed(key)
                }
            case .failure(let error):
                connection.streamClosed()
                let reason = "no HTTP/2 stream could be opened to \(target.endpoint): \(error)"
                call.finish(.failure(ClientError(.connectionClosed, reason)))
                streamClosed(key)
            }
        }
    }

    /// The server refused the call's stream unprocessed: first in line again, on the next turn of the loop,
    /// once the stream's end (and a GOAWAY that caused it) has been taken in, so it does not go back to a
    /// connection that is going away.
    func retry(_ call: GRPCPendingCall, endpoint: Int) {
        eventLoop.execute { [self] in
            guard !call.isFinished else { return }
            state.value.waiting[endpoint].prepend(call)
            serve(endpoint)
        }
    }

    private func streamClosed(_ key: Key) {
        if state.value.sets[key.endpoint].streamClosed(key.id) {
            state.value.connections[key]?.channel.close(promise: nil)
        }
        serve(key.endpoint)
    }

    private func connect(_ key: Key) {
        let endpoint = targets[key.endpoint].endpoint
        GRPCConnection.connect(
            to: endpoint, tls: targets[key.endpoint].tls, configuration: configuration, on: eventLoop
        ).whenComplete { [self] result in
            switch result {
            case .success(let connection):
                guard !state.value.isShutDown else { return connection.channel.close(promise: nil) }
                state.value.connections[key] = connection
                if let limit = connection.maxConcurrentStreams {
                    state.value.sets[key.endpoint].maxStreamsChanged(key.id, to: limit)
                }
                connection.onEvent = { [self] event in
                    switch event {
                    case .maxConcurrentStreams(let limit):
                        state.value.sets[key.endpoint].maxStreamsChanged(key.id, to: limit)
                    case .goAway:
                        // Streams already open finish; new ones go to a new connection.
                        if state.value.sets[key.endpoint].goAway(key.id) { connection.channel.close(promise: nil) }
                    }
                    serve(key.endpoint)
                }
                connections?.opened()
                connection.channel.closeFuture.whenComplete { [self] _ in
                    connections?.closed()
                    state.value.connections.removeValue(forKey: key)
                    state.value.sets[key.endpoint].removed(key.id)
                    serve(key.endpoint)
                }
                state.value.sets[key.endpoint].connected(key.id)
                serve(key.endpoint)
            case .failure(let error):
                logger.debug("gRPC connect failed", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
                state.value.sets[key.endpoint].removed(key.id)
                failWaiting(endpoint: key.endpoint, error as? ClientError ?? ClientError(.connectFailed, "\(error)"))
            }
        }
    }

    private func failWaiting(endpoint: Int, _ error: ClientError) {
        let waiting = state.value.waiting[endpoint]
        state.value.waiting[endpoint].removeAll()
        for call in waiting { call.finish(.failure(error)) }
    }

    /// Fails the waiting calls and closes every connection (open streams fail with it). Must run on `eventLoop`.
    func shutdown() -> [GRPCConnection] {
        state.value.isShutDown = true
        for endpoint in targets.indices {
            failWaiting(endpoint: endpoint, ClientError(.shutdown, "the gRPC client is shut down"))
        }
        let open = Array(state.value.connections.values)
        state.value.connections.removeAll()
        return open
    }
}
