public import Logging
public import NIOCore
internal import NIOPosix
public import SluiceThrift
internal import Synchronization

/// A Thrift server on any transport: each connection's transport (TTHeader, THeader with or without ZLIB,
/// framed or unframed Binary/Compact) is detected from its first bytes, and replies use the same.
public final class ThriftServer: Sendable {
    private let channel: any Channel
    /// Accepted connections, so `shutdown` can close them (closing the listener alone leaves them open).
    private let connections: Mutex<[ObjectIdentifier: any Channel]>
    /// Set by `shutdown`: a connection whose initializer runs after it (accepted just before the listener
    /// closed) is closed at once instead of being left open with nobody to close it.
    private let isShutDown = Atomic<Bool>(false)

    /// The port the server listens on (the one picked when started with port 0).
    public let port: Int

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.connections = Mutex([:])
        self.port = port
    }

    /// Starts listening.
    ///
    /// - Parameters:
    ///   - port: 0 picks a free port; read it back from ``port``.
    public static func start(
        host: String,
        port: Int,
        handler: any ThriftServiceHandler,
        group: any EventLoopGroup,
        maxFrameLength: Int = FramedTransport.defaultMaxFrameLength,
        logger: Logger = Logger(label: "sluice.thrift-server")
    ) async throws -> ThriftServer {
        let registry = ConnectionRegistry()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                registry.add(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ThriftServerConnectionHandler(
                            handler: handler, maxFrameLength: maxFrameLength,
                            logger: logger))
                }
            }
            .bind(host: host, port: port)
            .get()
        guard let boundPort = channel.localAddress?.port else {
            try? await channel.close()
            throw ThriftServerError("listener on \(host):\(port) has no local port")
        }
        let server = ThriftServer(channel: channel, port: boundPort)
        registry.attach(server)
        return server
    }

    /// Connections currently open.
    public var connectionCount: Int { connections.withLock { $0.count } }

    /// Stops listening and closes every open connection (requests in flight on them get no reply).
    public func shutdown() async throws {
        try? await channel.close()
        let open = connections.withLock { connections in
            isShutDown.store(true, ordering: .relaxed)
            defer { connections.removeAll() }
            return Array(connections.values)
        }
        for connection in open {
            try? await connection.close()
        }
    }

    fileprivate func add(_ connection: any Channel) {
        let id = ObjectIdentifier(connection)
        let added = connections.withLock { connections in
            guard !isShutDown.load(ordering: .relaxed) else { return false }
            connections[id] = connection
            return true
        }
        guard added else {
            connection.close(promise: nil)
            return
        }
        connection.closeFuture.whenComplete { [weak self] _ in
            _ = self?.connections.withLock { $0.removeValue(forKey: id) }
        }
    }
}

/// Connections accepted between `bind` returning and the server object existing are held here, then handed over.
private final class ConnectionRegistry: Sendable {
    private enum State {
        case early([any Channel])
        case attached(ThriftServer)
    }
    private let state = Mutex(State.early([]))

    func add(_ channel: any Channel) {
        let server: ThriftServer? = state.withLock { state in
            switch state {
            case .early(var channels):
                channels.append(channel)
                state = .early(channels)
                return nil
            case .attached(let server):
                return server
            }
        }
        server?.add(channel)
    }

    func attach(_ server: ThriftServer) {
        let early = state.withLock { state -> [any Channel] in
            guard case .early(let channels) = state else { return [] }
            state = .attached(server)
            return channels
        }
        for channel in early { server.add(channel) }
    }
}
