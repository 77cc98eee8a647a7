internal import NIOCore
internal import NIOHTTP1

/// Adapts HTTP/1.1 onto ``GatewayRequest``: collects each request's body (Content-Length or chunked, up to
/// a limit), hands the request to the gateway, and writes its ``GatewayResponse`` back.
final class HTTP1RequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private var stateMachine: HTTP1RequestStateMachine
    private let handler: any GatewayRequestHandler
    /// Bumped per dispatched request, so a responder that outlives its request cannot answer a later one.
    private var requestCount = 0
    private var isHead = false

    init(handler: any GatewayRequestHandler, maxBodySize: Int) {
        self.handler = handler
        self.stateMachine = HTTP1RequestStateMachine(maxBodySize: maxBodySize)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let action: HTTP1RequestStateMachine.Action
        switch unwrapInboundIn(data) {
        case .head(let head):
            isHead = head.method == .HEAD
            action = stateMachine.receivedHead(head)
        case .body(let chunk): action = stateMachine.receivedBody(chunk)
        case .end: action = stateMachine.receivedEnd()
        }
        switch action {
        case .none:
            break
        case .dispatch(let head, let body):
            dispatch(head: head, body: body, context: context)
        case .sendContinue:
            let head = HTTPResponseHead(version: .http1_1, status: .continue)
            context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
        case .refuseTooLarge:
            let error = GatewayError(.payloadTooLarge, "the request body is larger than the limit")
            write(error.response(allocator: context.channel.allocator), keepAlive: false, context: context)
        case .close:
            context.close(promise: nil)
        }
    }

    /// No bytes for the idle timeout: close unless a request is waiting on its backend (whose own timeout
    /// answers it).
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            if case .responding = stateMachine.state { return }
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// Parse errors were already answered with 400 by `HTTPServerProtocolErrorHandler`; a truncated request
    /// on a connection we are closing (after a 413) lands here too. Either way the connection is done.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func dispatch(head: HTTPRequestHead, body: ByteBuffer?, context: ChannelHandlerContext) {
        requestCount += 1
        let request = GatewayRequest(
            method: head.method.rawValue,
            target: head.uri,
            headers: GatewayHeaders(http1: head.headers),
            body: body
        )
        let responder = Responder(handler: self, context: context, request: requestCount)
        handler.handle(request, on: context.eventLoop, allocator: context.channel.allocator, responder: responder)
    }

    fileprivate func respond(_ response: GatewayResponse, request: Int, context: ChannelHandlerContext) {
        guard request == requestCount else { return }
        requestCount += 1  // one answer per request
        let keepAlive = stateMachine.responseWritten()
        write(response, keepAlive: keepAlive, context: context)
    }

    private func write(_ response: GatewayResponse, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.reserveCapacity(5 + response.headers.count)
        headers.add(name: "server", value: "sluice")
        let body = isHead ? nil : response.body
        if let responseBody = response.body {
            headers.add(name: "content-type", value: "application/json")
            headers.add(name: "content-length", value: String(responseBody.readableBytes))
        } else if response.status != 204 && response.status >= 200 {
            headers.add(name: "content-length", value: "0")
        }
        for field in response.headers { headers.add(name: field.name, value: field.value) }
        if !keepAlive { headers.add(name: "connection", value: "close") }
        let head = HTTPResponseHead(
            version: .http1_1,
            status: HTTPResponseStatus(statusCode: response.status),
            headers: headers
        )
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    /// One request's way back to this handler; lives on the connection's event loop.
    private struct Responder: GatewayResponder {
        let handler: HTTP1RequestHandler
        let context: ChannelHandlerContext
        let request: Int

        func respond(_ response: GatewayResponse) {
            context.eventLoop.assertInEventLoop()
            handler.respond(response, request: request, context: context)
        }
    }
}

@available(*, unavailable)
extension HTTP1RequestHandler: Sendable {}
