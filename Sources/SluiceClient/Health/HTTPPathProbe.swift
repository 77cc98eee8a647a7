internal import NIOCore
internal import NIOHTTP1

/// `GET <path>` over HTTP/1.1 on a one-off connection, as an HTTP service's `health_check: {path: ...}` asks
/// it (Envoy's HTTP health check, APISIX's `active.http_path`): any 2xx passes; a refused connect, another
/// status, a close or no response head within the timeout fails.
struct HTTPPathProbe: Sendable {
    var path: String
    /// The `Host` the service's requests carry; the endpoint's address when nil.
    var host: String?

    func call(
        _ endpoint: Endpoint, tls: ConnectionTLS?, timeout: TimeAmount, on eventLoop: any EventLoop,
        attempt: ProbeAttempt
    ) -> EventLoopFuture<Bool> {
        let passed = eventLoop.makePromise(of: Bool.self)
        let host = host ?? tls?.serverHostname ?? endpoint.description
        let head = HTTPRequestHead(
            version: .http1_1, method: .GET, uri: path,
            headers: ["host": host, "user-agent": "sluice-health-check", "connection": "close"])
        ClientChannel.connect(to: endpoint, tls: tls, connectTimeout: timeout, on: eventLoop) { pipeline in
            try pipeline.addHTTPClientHandlers()
            try pipeline.addHandler(StatusReader(passed: passed))
        }.whenComplete { result in
            switch result {
            case .success(let channel):
                attempt.onCancel { channel.close(promise: nil) }
                // The one timer bounds the response head; the connect had its own.
                let timer = eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
                passed.futureResult.whenComplete { _ in
                    timer.cancel()
                    channel.close(promise: nil)
                }
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            case .failure(let error):
                passed.fail(error)
            }
        }
        return passed.futureResult
    }
}

/// Completes with the first final response head's verdict, or false when the connection closes first.
private final class StatusReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let passed: EventLoopPromise<Bool>
    private var done = false

    init(passed: EventLoopPromise<Bool>) {
        self.passed = passed
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data), head.status.code >= 200 else { return }
        settle((200..<300).contains(head.status.code))
    }

    func channelInactive(context: ChannelHandlerContext) {
        settle(false)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        settle(false)
        context.close(promise: nil)
    }

    private func settle(_ verdict: Bool) {
        guard !done else { return }
        done = true
        passed.succeed(verdict)
    }
}

@available(*, unavailable)
extension StatusReader: Sendable {}
