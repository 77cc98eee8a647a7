internal import NIOCore
internal import NIOHTTP1
internal import SluiceClient

/// The upstream's half of a proxied request: its response, relayed to the client as it arrives.
extension ProxyExchange {
    func upstreamHead(_ head: HTTPResponseHead) {
        // `100 Continue` was answered by the gateway itself; other interim responses are not relayed.
        if head.status.code < 200 && head.status != .switchingProtocols { return }
        guard client != nil, framing == nil else { return }
        guard let attempt else { return relay(head) }
        // The head ends the attempt: the cluster decides now, before `answered` returns, whether the call ends
        // with it (``callEnded(_:)`` relays it) or a retry follows, and this response is not the client's.
        self.attempt = nil
        headTimer?.cancel()
        heldHead = head
        attempt.answered(head)
        guard heldHead != nil else { return }
        heldHead = nil
        dropLink()
    }

    /// Relays the response head the call ended with.
    func relay(_ head: HTTPResponseHead) {
        guard let client, framing == nil else { return }
        headTimer?.cancel()
        flowOutcome = GuardOutcome(httpStatus: Int(head.status.code))
        upstreamKeepAlive = head.isKeepAlive
        if head.status == .switchingProtocols {
            guard isUpgrade, ProxyHeaders.isWebSocketUpgrade(head.headers) else {
                return abort(GatewayError(.badGateway, "service '\(route.service)' switched protocols unasked"))
            }
            // The client checks the accept value against its own key; when the gateway made the key (for an
            // HTTP/2 client, which sends none) it checks it itself.
            if let key = upstreamRequest.headers.first(name: "sec-websocket-key"),
                head.headers.first(name: "sec-websocket-accept") != WebSocketKey.accept(for: key)
            {
                return abort(GatewayError(.badGateway, "service '\(route.service)' accepted the WebSocket upgrade with a wrong Sec-WebSocket-Accept"))
            }
            return switchedProtocols(head, client: client)
        }
        // An HTTP/2 client's extended CONNECT takes any 2xx as its WebSocket accepted (RFC 8441 §5): only a
        // `101` may say so.
        if isUpgrade, request.version.major == 2, head.status.code < 300 {
            return abort(GatewayError(
                .badGateway, "service '\(route.service)' answered the WebSocket upgrade with \(head.status.code), not 101"))
        }
        var headers = ProxyHeaders.removingHopByHop(head.headers)
        if let plugins, plugins.editsResponse { plugins.editResponse(&headers) }
        if var call = grpcWeb {
            headers = call.responseHead(headers)
            grpcWeb = call
        } else if route.grpc != nil, headers.contains(name: "grpc-status") {
            // Trailers-only: written whole at the end, which follows at once.
            framing = ProxyResponseFraming.none
            grpcTrailersOnly = headers
            flowOutcome = Self.grpcOutcome(headers)
            return
        }
        let framing = ProxyResponseFraming.choose(
            status: Int(head.status.code), headers: headers, requestMethod: request.method, clientVersion: request.version)
        self.framing = framing
        if framing == .untilClose { closeAfterResponse = true }
        let connection: HTTP1ResponseFraming.Connection =
            closeAfterResponse ? .close : request.version == .http1_0 ? .keepAliveHTTP10 : .keepAlive
        meterAnswer(Int(head.status.code), bytesOut: headers.first(name: "content-length").flatMap { Int($0) })
        client.proxyResponseHead(status: head.status, headers: headers, framing: framing, connection: connection)
    }

    func upstreamBody(_ chunk: ByteBuffer) {
        guard let client, let framing else { return }
        if var call = grpcWeb {
            let translated = call.responseBody(chunk)
            grpcWeb = call
            return client.proxyResponseBody(translated, framing: framing)
        }
        client.proxyResponseBody(chunk, framing: framing)
    }

    /// Relays the `101`; the tunnel starts at the response's `end`, which follows at once.
    private func switchedProtocols(_ head: HTTPResponseHead, client: any ProxyClient) {
        upgraded = true
        framing = ProxyResponseFraming.none
        var headers = ProxyHeaders.removingHopByHop(head.headers)
        if let plugins, plugins.editsResponse { plugins.editResponse(&headers) }
        headers.add(name: "Connection", value: "Upgrade")
        headers.add(name: "Upgrade", value: "websocket")
        meterAnswer(Int(head.status.code), bytesOut: 0)
        client.proxyResponseHead(status: head.status, headers: headers, framing: .none, connection: .keepAlive)
    }

    func upstreamEnd(trailers: HTTPHeaders?) {
        if upgraded, let client, case .streaming(let lease) = phase {
            // The connection is the tunnel's now; the pool forgets it when it closes.
            phase = .finished
            self.client = nil
            lease.connection.handler.delegate = nil
            client.proxyFlush()
            return client.proxyTunnel(to: lease.connection)
        }
        guard let client, let framing, case .streaming(let lease) = phase else { return }
        // A gRPC call's outcome is its status, in the trailers (an HTTP 200 says nothing of it).
        if route.grpc != nil, grpcTrailersOnly == nil { flowOutcome = trailers.map(Self.grpcOutcome) ?? .failure }
        if let headers = grpcTrailersOnly {
            meterAnswer(200, bytesOut: 0)
            client.proxyTrailersOnly(headers)
        } else if var call = grpcWeb {
            // gRPC-Web clients read the trailers from the body's last frame.
            client.proxyResponseBody(call.responseEnd(trailers: trailers.map(ProxyHeaders.removingHopByHop)), framing: framing)
            grpcWeb = call
            client.proxyResponseEnd(framing: framing, trailers: nil)
        } else {
            client.proxyResponseEnd(framing: framing, trailers: trailers.map(ProxyHeaders.removingHopByHop))
        }
        lease.release(reusable: requestSent && upstreamKeepAlive)
        phase = .finished
        // A client still sending a body the upstream did not wait for cannot be resynchronised.
        finish(close: closeAfterResponse || !requestEnded)
    }

    /// The upstream read that produced response parts is over: they go to the client in one socket write.
    func upstreamReadComplete() {
        client?.proxyFlush()
    }

    func upstreamWritabilityChanged() {
        client?.proxyResumeReading()
    }

    func upstreamClosed() {
        guard case .streaming = phase else { return }
        if attempt != nil {
            return failAttempt(ClientError(.connectionClosed, "closed before the response head", requestWritten: true))
        }
        phase = .finished
        if framing == nil {
            respond(GatewayError(client: ClientError(.connectionClosed, "closed"), service: route.service), close: !requestEnded)
        } else {
            // The response was cut short; the client can only tell by the connection closing.
            finish(close: true)
        }
    }

    var wantsUpstreamRead: Bool { client?.isWritable ?? false }

    /// What flow control counts a gRPC response as: its `grpc-status` (none is a broken response, a failure).
    static func grpcOutcome(_ headers: HTTPHeaders) -> GuardOutcome {
        guard let status = headers.first(name: "grpc-status").flatMap({ Int($0) }) else { return .failure }
        return GRPCStatusResponse.outcome(of: status)
    }
}
