internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix

/// The admin listener: plain HTTP/1.1 on its own address, kept apart from the traffic listeners so that
/// neither their limits nor their routes apply to it, and so it can stay on loopback while they face the edge.
/// NIO's own HTTP/1.1 server pipeline: the admin API answers a few requests a second, not the request path.
enum AdminServer {
    /// Admin requests carry rule sets at most.
    static let maxBody = 1 << 20
    /// A connection that sends nothing for this long is closed.
    static let idleTimeout = TimeAmount.seconds(60)

    static func bind(_ address: ListenAddress, api: AdminAPI, group: any EventLoopGroup) -> EventLoopFuture<any Channel> {
        ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(AdminRequestHandler(api: api))
                }
            }
            .bind(host: address.host, port: address.port)
    }
}

/// Collects each request whole, asks the API, and writes its answer; requests on one connection are answered
/// in order, one at a time. NIO's server pipeline holds a pipelined request (and stops reading) until the one
/// before it is answered, so the queue holds one request at most.
final class AdminRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let api: AdminAPI
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var tooLarge = false
    /// Requests received while an earlier one is being answered.
    private var queued: [(HTTPRequestHead, AdminRequest?)] = []
    private var answering = false

    init(api: AdminAPI) {
        self.api = api
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
            tooLarge = false
        case .body(var chunk):
            if body.readableBytes + chunk.readableBytes > AdminServer.maxBody {
                tooLarge = true
            } else if !tooLarge {
                body.writeBuffer(&chunk)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let request: AdminRequest? =
                tooLarge
                ? nil
                : AdminRequest(
                    method: head.method, path: String(head.uri.split(separator: "?", maxSplits: 1).first ?? ""),
                    query: head.uri.split(separator: "?", maxSplits: 1).dropFirst().first ?? "",
                    authorization: head.headers.first(name: "authorization"), body: body)
            queued.append((head, request))
            answerNext(context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func answerNext(context: ChannelHandlerContext) {
        guard !answering, !queued.isEmpty else { return }
        answering = true
        let (head, request) = queued.removeFirst()
        let promise = context.eventLoop.makePromise(of: AdminResponse.self)
        if let request {
            let api = self.api
            promise.completeWithTask { await api.respond(to: request) }
        } else {
            promise.succeed(.error(.payloadTooLarge, code: "body_too_large", "admin request bodies are at most \(AdminServer.maxBody) bytes"))
        }
        promise.futureResult.assumeIsolated().whenSuccess { response in
            self.write(response, for: head, context: context)
            self.answering = false
            self.answerNext(context: context)
        }
    }

    private func write(_ response: AdminResponse, for request: HTTPRequestHead, context: ChannelHandlerContext) {
        var headers = HTTPHeaders([("Content-Type", response.contentType), ("Content-Length", "\(response.body.readableBytes)")])
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if request.method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil) }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive { done.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
    }
}
