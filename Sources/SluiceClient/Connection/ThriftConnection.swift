internal import Logging
internal import NIOCore
internal import NIOPosix
internal import NIOSSL
internal import SluiceThrift

/// A connected channel and its handler; safe to use from any thread (calls hop onto the channel's loop).
final class ThriftConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<ThriftClientConnectionHandler>

    private init(channel: any Channel, handler: NIOLoopBound<ThriftClientConnectionHandler>) {
        self.channel = channel
        self.handler = handler
    }

    var eventLoop: any EventLoop { channel.eventLoop }

    func send(_ call: OutboundCall, promise: EventLoopPromise<ThriftReply>, retry: RetryHandler?) {
        if channel.eventLoop.inEventLoop {
            handler.value.send(call, promise: promise, retry: retry)
        } else {
            channel.eventLoop.execute {
                self.handler.value.send(call, promise: promise, retry: retry)
            }
        }
    }

    func close() {
        channel.close(promise: nil)
    }

    /// Connects to `settings.endpoint` on `eventLoop`, and with `settings.tls` completes the TLS handshake within
    /// the same `connectTimeout`. Failures are ``ClientError``s (`.connectTimeout` or `.connectFailed`).
    static func connect(
        settings: ConnectionSettings,
        connectTimeout: TimeAmount,
        on eventLoop: any EventLoop,
        onReleased: (@Sendable (_ reusable: Bool) -> Void)?,
        onRetiring: (@Sendable () -> Void)? = nil
    ) -> EventLoopFuture<ThriftConnection> {
        let endpoint = settings.endpoint
        let deadline = NIODeadline.now() + connectTimeout
        var tls: (context: NIOSSLContext, serverHostname: String?)?
        if let setting = settings.tls {
            switch setting.context {
            case .failure(let error): return eventLoop.makeFailedFuture(error)
            case .success(let context): tls = (context, setting.serverHostname)
            }
        }
        let connected = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [tls] channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls {
                        try ConnectionTLS.addHandlers(
                            to: pipeline, context: tls.context, serverHostname: tls.serverHostname, endpoint: endpoint)
                    }
                    try pipeline.addHandler(
                        ThriftClientConnectionHandler(
                            settings: settings, onReleased: onReleased, onRetiring: onRetiring))
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .flatMapErrorThrowing { error in
                if let error = error as? ChannelError, case .connectTimeout = error {
                    throw ClientError(
                        .connectTimeout,
                        "connecting to \(endpoint) timed out after \(connectTimeout.nanoseconds / 1_000_000) ms")
                }
                throw ClientError(.connectFailed, "cannot connect to \(endpoint): \(error)")
            }
        let ready: EventLoopFuture<any Channel>
        if tls != nil {
            ready = connected.flatMap { channel in
                ConnectionTLS.handshake(of: channel, endpoint: endpoint, deadline: deadline, timeout: connectTimeout)
            }
        } else {
            ready = connected
        }
        return ready.flatMapThrowing { channel in
            let handler = try channel.pipeline.syncOperations.handler(type: ThriftClientConnectionHandler.self)
            return ThriftConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
        }
    }
}
