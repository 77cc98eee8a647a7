internal import NIOCore
internal import SluiceTracing
internal import NIOHTTP1
internal import SluiceClient
internal import SluiceJSON

/// What an adapter that carries whole requests (a WebSocket message) tells a proxy route: who asked, for
/// the `X-Forwarded-*` fields, and how large a response may be collected into one answer.
struct ProxyCollection: Sendable {
    var origin: ProxyHeaders.Origin
    var maxResponseBody: Int

    /// For a whole request that reached a proxy route with nothing said (a reload turned an RPC path into a
    /// proxied one while its body was being collected).
    static let fallback = ProxyCollection(origin: .init(clientAddress: nil, scheme: "http"), maxResponseBody: 8 << 20)
}

/// The client side of a proxied request that arrived whole and is answered whole: a WebSocket message to a
/// proxy route. The request goes upstream through the same ``ProxyExchange`` HTTP uses; the response is
/// collected, up to ``ProxyCollection/maxResponseBody`` (past it the upstream connection is dropped and the
/// answer is a 502), into one ``GatewayResponse``. A JSON body stays JSON, anything else keeps its
/// content type (a reply then carries it as a string or base64).
///
/// Lives on the request's event loop, like the exchange.
final class ProxyCollector<Responder: GatewayResponder>: ProxyClient {
    /// The dispatcher counts the answer this collects (its responder is the metered one).
    var ingress: IngressProtocol? { nil }
    var accessLog: AccessLog? { nil }
    var tracer: RequestTracer? { nil }

    let allocator: ByteBufferAllocator
    private var responder: Responder?
    private let route: ProxyRoute
    private let limit: Int
    private var exchange: ProxyExchange?
    private var status = HTTPResponseStatus.ok
    private var headers = HTTPHeaders()
    private var body: ByteBuffer?
    /// Why the response could not be collected, once it is known.
    private var failure: GatewayError?

    private init(route: ProxyRoute, limit: Int, allocator: ByteBufferAllocator, responder: Responder) {
        self.route = route
        self.limit = limit
        self.allocator = allocator
        self.responder = responder
    }

    /// Sends `request` to `route`'s upstream and answers `responder` with its response. Runs on `eventLoop`.
    /// `trace`: the dispatcher's span's context, sent upstream in place of the message's own.
    static func start(
        _ route: ProxyRoute, request: GatewayRequest, trace: TraceHeaders? = nil, on eventLoop: any EventLoop, allocator: ByteBufferAllocator,
        responder: Responder
    ) {
        let collection = request.proxyCollection ?? .fallback
        let target = route.upstreamTarget(path: request.path, query: request.query)
        var headers = requestHeaders(request, replacingTrace: trace != nil)
        if let traceparent = trace?.traceparent { headers.add(name: "traceparent", value: traceparent) }
        if let tracestate = trace?.tracestate { headers.add(name: "tracestate", value: tracestate) }
        let head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: request.method), uri: target, headers: headers)
        let collector = ProxyCollector(route: route, limit: collection.maxResponseBody, allocator: allocator, responder: responder)
        let exchange = ProxyExchange(
            route: route, request: head, target: target, origin: collection.origin, client: collector, eventLoop: eventLoop)
        collector.exchange = exchange
        exchange.start()
        if let body = request.body, body.readableBytes > 0 { exchange.receive(.body(body)) }
        exchange.receive(.end(nil))
        if let cancellation = request.cancellation {
            // Type-erased first: the cancelling thread's closure must not capture the generic responder's type.
            let cancel: () -> Void = { collector.cancel() }
            let bound = NIOLoopBound(cancel, eventLoop: eventLoop)
            cancellation.onCancel { eventLoop.execute { bound.value() } }
        }
    }

    /// The request's own fields, framed for its whole body. A message cannot upgrade its connection, so
    /// `Upgrade` and `Connection` go (they are hop-by-hop anyway), and so does any framing it claimed.
    private static func requestHeaders(_ request: GatewayRequest, replacingTrace: Bool) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for field in request.headers {
            let name = field.name
            if GatewayHeaders.sameName(name, "content-length") || GatewayHeaders.sameName(name, "transfer-encoding")
                || GatewayHeaders.sameName(name, "connection") || GatewayHeaders.sameName(name, "upgrade")
            { continue }
            if replacingTrace && (GatewayHeaders.sameName(name, "traceparent") || GatewayHeaders.sameName(name, "tracestate")) { continue }
            headers.add(name: name, value: field.value)
        }
        if let body = request.body { headers.add(name: "content-length", value: String(body.readableBytes)) }
        return headers
    }

    /// The message's client went away: the upstream request is cut off.
    private func cancel() {
        guard let exchange else { return }
        self.exchange = nil
        exchange.clientClosed()
        answer(GatewayError(client: ClientError(.cancelled, "the client went away"), service: route.service).response(allocator: allocator))
    }

    private func answer(_ response: GatewayResponse) {
        guard let responder else { return }
        self.responder = nil
        exchange = nil
        responder.respond(response)
    }

    // MARK: ProxyClient

    var isWritable: Bool { true }

    var isReadingRequest: Bool { false }

    /// The body was sent whole with the head: there is nothing to let through.
    func proxyContinue() {}

    func proxyResponseHead(
        status: HTTPResponseStatus, headers: HTTPHeaders, framing: ProxyResponseFraming, connection: HTTP1ResponseFraming.Connection
    ) {
        self.status = status
        self.headers = headers
    }

    func proxyResponseBody(_ chunk: ByteBuffer, framing: ProxyResponseFraming) {
        guard framing != .none, failure == nil else { return }
        var chunk = chunk
        let size = (body?.readableBytes ?? 0) + chunk.readableBytes
        guard size <= limit else {
            let error = GatewayError(
                .badGateway, "the response of service '\(route.service)' is larger than the \(limit)-byte limit of one message")
            failure = error
            exchange?.abort(error)
            return
        }
        if body == nil {
            body = allocator.buffer(capacity: chunk.readableBytes)
        }
        body?.writeBuffer(&chunk)
    }

    func proxyFlush() {}

    func proxyResponseEnd(framing: ProxyResponseFraming, trailers: HTTPHeaders?) {
        var response = GatewayResponse(proxied: status, headers: headers, body: body)
        // Where it went, for the dispatcher's access log and span.
        if let exchange, exchange.attemptsOpened > 0 {
            response.upstream = UpstreamNote(endpoint: exchange.upstreamEndpoint?.description, attempts: exchange.attemptsOpened)
        }
        answer(response)
    }

    func proxyRespond(_ response: GatewayResponse, request: HTTPRequestHead, close: Bool) {
        answer(response)
    }

    func proxyResumeReading() {}

    func proxyFinished(close: Bool) {
        // A response cut short (the upstream closed, or it outgrew the limit) is no answer.
        let error = failure ?? GatewayError(.badGateway, "service '\(route.service)' closed before its response ended")
        answer(error.response(allocator: allocator))
    }

    func proxyTunnel(to upstream: UpstreamConnection) {
        // Never asked for: the request's `Upgrade` was dropped (the exchange refuses an unasked `101`).
        upstream.channel.close(promise: nil)
        answer(GatewayError(.badGateway, "service '\(route.service)' switched protocols unasked").response(allocator: allocator))
    }
}

@available(*, unavailable)
extension ProxyCollector: Sendable {}

extension GatewayResponse {
    /// The upstream's response as the gateway's: its fields but the framing ones, and its body as JSON when
    /// it says it is JSON and is (else with its content type, so the reply quotes it).
    init(proxied status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer?) {
        var fields: [(name: String, value: String)] = []
        var contentType: String?
        for field in headers {
            if field.name.equalsIgnoringASCIICase("content-type") {
                contentType = contentType ?? field.value
            } else if !field.name.equalsIgnoringASCIICase("content-length") {
                fields.append((field.name, field.value))
            }
        }
        guard let body else {
            self.init(status: Int(status.code), headers: fields, body: nil)
            return
        }
        if let type = contentType, Self.isJSON(mediaType: type), Self.isJSONValue(body) {
            self.init(status: Int(status.code), headers: fields, body: body)
        } else {
            self.init(status: Int(status.code), headers: fields, body: body, contentType: contentType ?? "application/octet-stream")
        }
    }

    private static func isJSON(mediaType: String) -> Bool {
        let essence = mediaType.split(separator: ";", maxSplits: 1).first?.trimmingASCIISpaces().lowercased() ?? ""
        return essence == "application/json" || essence.hasSuffix("+json")
    }

    /// Whether `body` is exactly one JSON value, so the reply can carry it as is.
    private static func isJSONValue(_ body: ByteBuffer) -> Bool {
        body.withUnsafeReadableBytes { bytes in
            var scanner = JSONScanner(bytes: bytes)
            do throws(JSONError) {
                try scanner.skipValue()
                try scanner.finish()
                return true
            } catch {
                return false
            }
        }
    }
}
