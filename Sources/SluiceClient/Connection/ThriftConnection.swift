internal import Logging
internal import NIOCore
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
        ClientChannel.connect(to: settings.endpoint, tls: settings.tls, connectTimeout: connectTimeout, on: eventLoop) {
            pipeline in
            try pipeline.addHandler(
                ThriftClientConnectionHandler(settings: settings, onReleased: onReleased, onRetiring: onRetiring))
        }.flatMapThrowing { channel in
            let handler = try channel.pipeline.syncOperations.handler(type: ThriftClientConnectionHandler.self)
            if let gauge = settings.connections {
                gauge.opened()
                channel.closeFuture.whenComplete { _ in gauge.closed() }
            }
            return ThriftConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
        }
    }
}
