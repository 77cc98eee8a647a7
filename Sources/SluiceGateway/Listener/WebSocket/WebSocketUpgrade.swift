internal import NIOCore
internal import NIOHTTP1
internal import NIOWebSocket
internal import SluiceJSON

/// The HTTP/1.1 side of WebSocket (RFC 6455 §4.2): which request asks to upgrade, whether it may, and the
/// switch of the connection's pipeline from HTTP/1.1 to WebSocket frames.
///
/// Not NIO's `HTTPServerUpgradeHandler`: it sits in front of the HTTP handler and buffers the whole request
/// stream itself, while here ``HTTP1ConnectionStateMachine`` already orders the upgrade after the responses
/// owed to earlier pipelined requests. NIO's `NIOWebSocketServerUpgrader` still computes the accept key.
enum WebSocketUpgrade {
    /// A request to `path` (query ignored) carrying `Upgrade: websocket`; it is then upgraded or refused,
    /// never routed. Any other request to `path` is routed as usual.
    static func isAttempt(_ head: HTTPRequestHead, path: String) -> Bool {
        let uri = head.uri
        let requestPath = uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { uri[..<$0] } ?? uri[...]
        guard requestPath == path else { return false }
        return head.headers[canonicalForm: "upgrade"].contains { $0.lowercased() == "websocket" }
    }

    /// Why `head` may not upgrade, as the response to send (400, or 426 naming the version spoken); nil when
    /// it may.
    static func refusal(of head: HTTPRequestHead) -> GatewayResponse? {
        func refuse(_ code: GatewayError.Code, _ message: String) -> GatewayResponse {
            GatewayError(code, message).response(allocator: ByteBufferAllocator())
        }
        guard head.method == .GET else { return refuse(.badRequest, "a WebSocket upgrade must be a GET request") }
        guard head.version.major == 1 && head.version.minor >= 1 else {
            return refuse(.badRequest, "a WebSocket upgrade needs HTTP/1.1")
        }
        guard head.headers[canonicalForm: "connection"].contains(where: { $0.lowercased() == "upgrade" }) else {
            return refuse(.badRequest, "a WebSocket upgrade needs 'Connection: upgrade'")
        }
        if let refusal = versionRefusal(head.headers["sec-websocket-version"]) { return refusal }
        let keys = head.headers["sec-websocket-key"]
        guard keys.count == 1, let key = keys.first, Base64.decode(key)?.count == 16 else {
            return refuse(.badRequest, "a WebSocket upgrade needs one 'Sec-WebSocket-Key': 16 bytes in base64")
        }
        return nil
    }

    /// 426 naming the version spoken (RFC 6455 §4.4) unless `versions` is exactly 13; shared by RFC 8441's CONNECT.
    static func versionRefusal(_ versions: [String]) -> GatewayResponse? {
        guard versions != ["13"] else { return nil }
        var response = GatewayError(
            .upgradeRequired,
            versions.isEmpty
                ? "a WebSocket request needs 'Sec-WebSocket-Version: 13'"
                : "unsupported 'Sec-WebSocket-Version' \(versions.joined(separator: ", ")) (this server speaks 13)"
        ).response(allocator: ByteBufferAllocator())
        response.headers.append((name: "sec-websocket-version", value: "13"))
        return response
    }

    /// Answers `head` (every earlier response is written): 101 and the WebSocket handlers in place of the
    /// HTTP/1.1 ones, or the refusal and a close. Bytes the client sent after the request go to the frame
    /// decoder (the HTTP decoder forwards them when removed).
    static func upgrade(
        context: ChannelHandlerContext,
        request head: HTTPRequestHead,
        settings: WebSocketSettings,
        idleTimeout: TimeAmount,
        scheme: String,
        handler: any GatewayRequestHandler
    ) {
        if let refusal = refusal(of: head) {
            var buffer = context.channel.allocator.buffer(capacity: HTTP1ResponseSerializer.capacity(for: refusal))
            HTTP1ResponseSerializer.write(refusal, framing: .closing, into: &buffer)
            context.writeAndFlush(NIOAny(buffer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return
        }
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: settings.maxMessageSize,
            automaticErrorHandling: false,
            shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
            upgradePipelineHandler: { channel, _ in channel.eventLoop.makeSucceededVoidFuture() }
        )
        upgrader.buildUpgradeResponse(channel: context.channel, upgradeRequest: head, initialResponseHeaders: HTTPHeaders())
            .assumeIsolated()
            .whenComplete { result in
                guard case .success(let headers) = result else {
                    // `refusal(of:)` checked what the upgrader checks.
                    context.close(promise: nil)
                    return
                }
                var buffer = context.channel.allocator.buffer(capacity: 160)
                buffer.writeStaticString("HTTP/1.1 101 Switching Protocols\r\nserver: sluice\r\n")
                for field in headers {
                    buffer.writeString(field.name.lowercased())
                    buffer.writeStaticString(": ")
                    buffer.writeString(field.value)
                    buffer.writeStaticString("\r\n")
                }
                buffer.writeStaticString("\r\n")
                context.writeAndFlush(NIOAny(buffer), promise: nil)
                do {
                    try switchPipeline(context: context, settings: settings, idleTimeout: idleTimeout, scheme: scheme, handler: handler)
                } catch {
                    context.close(promise: nil)
                }
            }
    }

    /// `[HTTP decoder, HTTP/1.1 handler]` becomes `[frame encoder, frame decoder, WebSocket handler]`. The
    /// HTTP decoder goes last, so the bytes it forwards on removal reach the frame decoder.
    private static func switchPipeline(
        context: ChannelHandlerContext,
        settings: WebSocketSettings,
        idleTimeout: TimeAmount,
        scheme: String,
        handler: any GatewayRequestHandler
    ) throws {
        let pipeline = context.pipeline.syncOperations
        let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
        try WebSocketConnectionHandler.addHandlers(
            to: pipeline, settings: settings, idleTimeout: idleTimeout, scheme: scheme, handler: handler)
        pipeline.removeHandler(context: context, promise: nil)
        // The forwarded bytes arrive as a read without its `channelReadComplete`, which is when the WebSocket
        // handler flushes: complete it. Then read on: the HTTP handler may have held the last `read()` back.
        let removed = context.eventLoop.makePromise(of: Void.self)
        pipeline.removeHandler(decoder, promise: removed)
        let channel = context.channel
        removed.futureResult.assumeIsolated().whenSuccess {
            channel.pipeline.syncOperations.fireChannelReadComplete()
            channel.read()
        }
    }
}
