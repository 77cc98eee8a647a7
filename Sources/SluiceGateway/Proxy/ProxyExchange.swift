internal import NIOCore
internal import NIOHTTP1
internal import SluiceClient

/// The client connection's side of a proxied request, as ``ProxyExchange`` drives it.
protocol ProxyClient: AnyObject {
    var allocator: ByteBufferAllocator { get }
    /// Whether the client socket takes more bytes now.
    var isWritable: Bool { get }
    /// Response bytes, in order, sent at once.
    func proxyWrite(_ bytes: ByteBuffer)
    /// ``ProxyExchange/wantsClientRead`` may have become true: pass on a read held back.
    func proxyResumeReading()
    /// The exchange is over; with `close`, the connection closes once the bytes written are sent.
    func proxyFinished(close: Bool)
    /// The upstream switched protocols (its `101` is written): from now on the connection relays bytes to
    /// and from `upstream` (``ProxyTunnel``).
    func proxyTunnel(to upstream: UpstreamConnection)
}

/// One proxied request: the client's request head, body and end go to a pooled upstream connection as they
/// arrive, and the upstream's response to the client the same way. Each side is read only as fast as the
/// other writes (reads are held back while the destination socket is not writable), so neither body is
/// ever held whole, whatever its size.
///
/// Lives on the client connection's event loop, where its upstream connection lives too.
final class ProxyExchange: UpstreamConnectionDelegate {
    private enum Phase {
        /// Responses to earlier pipelined requests are still owed.
        case waitingForTurn
        case connecting
        case streaming(UpstreamShard.Lease)
        case finished
    }

    private let route: ProxyRoute
    private let request: HTTPRequestHead
    private let upstreamRequest: HTTPRequestHead
    private let eventLoop: any EventLoop
    private var client: (any ProxyClient)?
    private var phase = Phase.waitingForTurn
    /// Body parts read before the upstream connection was there (at most what one read delivered).
    private var pendingBody: [ByteBuffer] = []
    private var bodyBytes = 0
    /// The client's request end arrived.
    private(set) var requestEnded = false
    /// ...and was sent upstream.
    private var requestSent = false
    /// Set once the response head went to the client.
    private var framing: ProxyResponseFraming?
    private var closeAfterResponse = false
    private var upstreamKeepAlive = true
    /// A WebSocket upgrade request (RFC 6455 §4.1), and then whether the upstream accepted it.
    private let isUpgrade: Bool
    private var upgraded = false
    private var headTimer: Scheduled<Void>?

    init(route: ProxyRoute, request: HTTPRequestHead, target: String, origin: ProxyHeaders.Origin, client: any ProxyClient, eventLoop: any EventLoop) {
        self.route = route
        self.request = request
        self.eventLoop = eventLoop
        self.client = client
        let endpoint = route.upstream.configuration.endpoints.first.map(\.description) ?? ""
        var headers = ProxyHeaders.request(request.headers, origin: origin, fallbackHost: endpoint)
        if request.headers["transfer-encoding"].contains(where: { $0.lowercased().contains("chunked") }) {
            headers.add(name: "transfer-encoding", value: "chunked")
        }
        self.upstreamRequest = HTTPRequestHead(version: .http1_1, method: request.method, uri: target, headers: headers)
        isUpgrade = request.method == .GET && ProxyHeaders.isWebSocketUpgrade(request.headers)
        // A request asking for an upgrade stops NIO's decoder whatever the answer: no request can follow it.
        closeAfterResponse = !request.isKeepAlive || isUpgrade
    }

    // MARK: client side

    var isWaitingForTurn: Bool {
        if case .waitingForTurn = phase { return true }
        return false
    }

    /// Connecting, or the request is sent and the response head not here: `timeout` bounds this wait, not
    /// the listener's idle timeout.
    var isWaitingOnUpstream: Bool {
        switch phase {
        case .connecting: return true
        case .streaming: return requestSent && framing == nil
        case .waitingForTurn, .finished: return false
        }
    }

    /// Read the client only while its body can go upstream at once.
    var wantsClientRead: Bool {
        guard case .streaming(let lease) = phase, !requestEnded else { return false }
        return lease.connection.channel.isWritable
    }

    /// Every earlier response is written: take an upstream connection.
    func start() {
        guard case .waitingForTurn = phase else { return }
        if let limit = route.configuration.maxBody, let length = request.headers.first(name: "content-length").flatMap(Int.init), length > limit {
            return respond(GatewayError(.payloadTooLarge, "the request body is larger than the route's limit"), close: true)
        }
        phase = .connecting
        let shard = route.upstream.shard(for: eventLoop)
        shard.lease(deadline: .now() + route.upstream.configuration.requestTimeout).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let lease): self.leased(lease, from: shard)
            case .failure(let error): self.connectFailed(error)
            }
        }
    }

    func receive(_ part: HTTPServerRequestPart) {
        switch part {
        case .head: assertionFailure("a request head inside a proxied request")
        case .body(let chunk): clientBody(chunk)
        case .end: clientEnd()
        }
    }

    private func clientBody(_ chunk: ByteBuffer) {
        bodyBytes += chunk.readableBytes
        if let limit = route.configuration.maxBody, bodyBytes > limit {
            return abort(GatewayError(.payloadTooLarge, "the request body is larger than the route's limit"))
        }
        switch phase {
        case .streaming(let lease): lease.connection.handler.write(.body(.byteBuffer(chunk)), flush: true)
        case .waitingForTurn, .connecting: pendingBody.append(chunk)
        case .finished: break
        }
    }

    private func clientEnd() {
        requestEnded = true
        if case .streaming(let lease) = phase { sendEnd(lease) }
    }

    func clientWritabilityChanged() {
        guard case .streaming(let lease) = phase, client?.isWritable == true else { return }
        lease.connection.handler.resumeReading()
    }

    /// The client connection closed: the upstream request is cut off and its connection not reused.
    func clientClosed() {
        guard !isFinished else { return }
        let lease = takeLease()
        phase = .finished
        headTimer?.cancel()
        client = nil
        if let lease { route.upstream.shard(for: eventLoop).release(lease, reusable: false) }
    }

    // MARK: upstream side

    private func leased(_ lease: UpstreamShard.Lease, from shard: UpstreamShard) {
        guard case .connecting = phase else {
            // The client left while the connection was on its way; nothing was sent on it.
            shard.release(lease, reusable: true)
            return
        }
        phase = .streaming(lease)
        lease.connection.handler.delegate = self
        if request.headers.first(name: "expect")?.lowercased() == "100-continue", !requestEnded, let client {
            var buffer = client.allocator.buffer(capacity: 32)
            buffer.writeStaticString(HTTP1ResponseSerializer.continueResponse)
            client.proxyWrite(buffer)
        }
        let handler = lease.connection.handler
        handler.write(.head(upstreamRequest), flush: false)
        for chunk in pendingBody { handler.write(.body(.byteBuffer(chunk)), flush: false) }
        pendingBody = []
        if requestEnded { sendEnd(lease) } else { handler.flush() }
        client?.proxyResumeReading()
    }

    private func sendEnd(_ lease: UpstreamShard.Lease) {
        lease.connection.handler.write(.end(nil), flush: true)
        requestSent = true
        guard framing == nil else { return }
        headTimer = eventLoop.assumeIsolated().scheduleTask(in: route.upstream.configuration.requestTimeout) {
            self.headTimedOut()
        }
    }

    private func connectFailed(_ error: any Error) {
        guard case .connecting = phase else { return }
        respond(GatewayError(client: error, service: route.service), close: !requestEnded)
    }

    private func headTimedOut() {
        guard framing == nil, !isFinished else { return }
        abort(GatewayError(client: ClientError(.requestTimeout, "no response head in time"), service: route.service))
    }

    func upstreamHead(_ head: HTTPResponseHead) {
        // `100 Continue` was answered by the gateway itself; other interim responses are not relayed.
        if head.status.code < 200 && head.status != .switchingProtocols { return }
        guard let client, framing == nil else { return }
        headTimer?.cancel()
        upstreamKeepAlive = head.isKeepAlive
        if head.status == .switchingProtocols {
            guard isUpgrade, ProxyHeaders.isWebSocketUpgrade(head.headers) else {
                return abort(GatewayError(.badGateway, "service '\(route.service)' switched protocols unasked"))
            }
            return switchedProtocols(head, client: client)
        }
        let headers = ProxyHeaders.removingHopByHop(head.headers)
        let framing = ProxyResponseFraming.choose(
            status: Int(head.status.code), headers: headers, requestMethod: request.method, clientVersion: request.version)
        self.framing = framing
        if framing == .untilClose { closeAfterResponse = true }
        let connection: HTTP1ResponseFraming.Connection =
            closeAfterResponse ? .close : request.version == .http1_0 ? .keepAliveHTTP10 : .keepAlive
        var buffer = client.allocator.buffer(capacity: 256)
        ProxyResponseFraming.writeHead(
            status: Int(head.status.code), reason: head.status.reasonPhrase, headers: headers, framing: framing,
            connection: connection, into: &buffer)
        client.proxyWrite(buffer)
    }

    func upstreamBody(_ chunk: ByteBuffer) {
        guard let client, let framing, let bytes = framing.body(chunk, allocator: client.allocator) else { return }
        client.proxyWrite(bytes)
    }

    /// Relays the `101`; the tunnel starts at the response's `end`, which follows at once.
    private func switchedProtocols(_ head: HTTPResponseHead, client: any ProxyClient) {
        upgraded = true
        framing = ProxyResponseFraming.none
        var headers = ProxyHeaders.removingHopByHop(head.headers)
        headers.add(name: "Connection", value: "Upgrade")
        headers.add(name: "Upgrade", value: "websocket")
        var buffer = client.allocator.buffer(capacity: 256)
        ProxyResponseFraming.writeHead(
            status: 101, reason: head.status.reasonPhrase, headers: headers, framing: .none, connection: .keepAlive, into: &buffer)
        client.proxyWrite(buffer)
    }

    func upstreamEnd() {
        if upgraded, let client, case .streaming(let lease) = phase {
            // The connection is the tunnel's now; the pool forgets it when it closes.
            phase = .finished
            self.client = nil
            lease.connection.handler.delegate = nil
            return client.proxyTunnel(to: lease.connection)
        }
        guard let client, let framing, case .streaming(let lease) = phase else { return }
        if let last = framing.end(allocator: client.allocator) { client.proxyWrite(last) }
        route.upstream.shard(for: eventLoop).release(lease, reusable: requestSent && upstreamKeepAlive)
        phase = .finished
        // A client still sending a body the upstream did not wait for cannot be resynchronised.
        finish(close: closeAfterResponse || !requestEnded)
    }

    func upstreamWritabilityChanged() {
        client?.proxyResumeReading()
    }

    func upstreamClosed() {
        guard case .streaming = phase else { return }
        phase = .finished
        if framing == nil {
            respond(GatewayError(client: ClientError(.connectionClosed, "closed"), service: route.service), close: !requestEnded)
        } else {
            // The response was cut short; the client can only tell by the connection closing.
            finish(close: true)
        }
    }

    var wantsUpstreamRead: Bool { client?.isWritable ?? false }

    // MARK: ending

    private var isFinished: Bool {
        if case .finished = phase { return true }
        return false
    }

    private func takeLease() -> UpstreamShard.Lease? {
        guard case .streaming(let lease) = phase else { return nil }
        phase = .finished
        return lease
    }

    /// Gives the upstream connection up (not reusable: its request or response is unfinished) and answers
    /// `error` if nothing was written yet, else closes the client connection.
    private func abort(_ error: GatewayError) {
        if let lease = takeLease() { route.upstream.shard(for: eventLoop).release(lease, reusable: false) }
        phase = .finished
        if framing == nil {
            respond(error, close: true)
        } else {
            finish(close: true)
        }
    }

    /// The gateway's own error response in place of the upstream's.
    private func respond(_ error: GatewayError, close: Bool) {
        guard let client else { return }
        phase = .finished
        let close = close || closeAfterResponse
        let response = error.response(allocator: client.allocator)
        let framing = HTTP1ResponseFraming(
            omitsBody: request.method == .HEAD,
            connection: close ? .close : request.version == .http1_0 ? .keepAliveHTTP10 : .keepAlive
        )
        var buffer = client.allocator.buffer(capacity: HTTP1ResponseSerializer.capacity(for: response))
        HTTP1ResponseSerializer.write(response, framing: framing, into: &buffer)
        client.proxyWrite(buffer)
        finish(close: close)
    }

    private func finish(close: Bool) {
        headTimer?.cancel()
        headTimer = nil
        let client = self.client
        self.client = nil
        client?.proxyFinished(close: close)
    }
}

@available(*, unavailable)
extension ProxyExchange: Sendable {}
