internal import NIOCore
internal import NIOHPACK
internal import NIOHTTP1

/// One HTTP/2 stream's request as a pure value: the header block becomes a ``GatewayRequest``'s method,
/// target and fields, DATA frames its body (bounded like HTTP/1.1's), and END_STREAM completes it.
/// NIOHTTP2 has already checked the block's form (pseudo-headers first and valid, no connection-specific
/// fields, lower-case names) and the body against `content-length`.
struct HTTP2RequestCollector {
    enum Event {
        case none
        /// The request is whole: hand it to the gateway.
        case dispatch(GatewayRequest)
        /// Answer this and end the stream (the request cannot be served).
        case reject(GatewayError)
    }

    private enum State {
        case awaitingHeaders
        case collectingBody(method: String, target: String, headers: HTTPHeaders, body: ByteBuffer?)
        case done
    }

    private var state = State.awaitingHeaders
    /// The listener's, or the request's route's own (`request_size`), set at its head.
    var maxBodySize: Int

    init(maxBodySize: Int) {
        self.maxBodySize = maxBodySize
    }

    /// A header block has been received.
    var isStarted: Bool {
        if case .awaitingHeaders = state { return false }
        return true
    }

    /// The client ended its side of the stream (END_STREAM): nothing more will arrive.
    private(set) var requestEnded = false

    var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    mutating func receivedHeaders(_ block: HPACKHeaders, endStream: Bool) -> Event {
        if endStream { requestEnded = true }
        switch state {
        case .awaitingHeaders:
            let (method, path, headers) = Self.fields(of: block)
            guard let method else { return reject(GatewayError(.badRequest, "the request has no :method")) }
            guard method != "CONNECT" else {
                return reject(GatewayError(.methodNotAllowed, "CONNECT is not served here", allow: []))
            }
            guard let path, !path.isEmpty else { return reject(GatewayError(.badRequest, "the request has no :path")) }
            if let length = headers.first(name: "content-length"), let declared = Int(length), declared > maxBodySize {
                return reject(tooLarge())
            }
            state = .collectingBody(method: method, target: path, headers: headers, body: nil)
            return endStream ? complete() : .none
        case .collectingBody:
            // Trailers: nothing the gateway binds; they end the request.
            return endStream ? complete() : .none
        case .done:
            return .none
        }
    }

    /// A header block's `:method`, `:path` and regular fields, `:authority` among them as `host` when the block
    /// has none: bound (and proxied) the way HTTP/1.1 sees it, so routes that bind `host` find it (RFC 9113 §8.3.1).
    static func fields(of block: HPACKHeaders) -> (method: String?, path: String?, headers: HTTPHeaders) {
        var method: String?
        var path: String?
        var authority: String?
        var headers = HTTPHeaders()
        headers.reserveCapacity(block.count + 1)
        for (name, value, _) in block {
            switch name {
            case ":method": method = value
            case ":path": path = value
            case ":authority": authority = value
            case ":scheme", ":protocol": break
            default: headers.add(name: name, value: value)
            }
        }
        if let authority, !headers.contains(name: "host") { headers.add(name: "host", value: authority) }
        return (method, path, headers)
    }

    mutating func receivedData(_ data: ByteBuffer, endStream: Bool) -> Event {
        if endStream { requestEnded = true }
        guard case .collectingBody(let method, let target, let headers, var body) = state else { return .none }
        if data.readableBytes > 0 {
            guard (body?.readableBytes ?? 0) + data.readableBytes <= maxBodySize else { return reject(tooLarge()) }
            if body == nil {
                body = data
            } else {
                var incoming = data
                body?.writeBuffer(&incoming)
            }
            state = .collectingBody(method: method, target: target, headers: headers, body: body)
        }
        return endStream ? complete() : .none
    }

    private mutating func complete() -> Event {
        guard case .collectingBody(let method, let target, let headers, let body) = state else { return .none }
        state = .done
        return .dispatch(GatewayRequest(method: method, target: target, headers: GatewayHeaders(http1: headers), body: body))
    }

    private mutating func reject(_ error: GatewayError) -> Event {
        state = .done
        return .reject(error)
    }

    private func tooLarge() -> GatewayError {
        GatewayError(.payloadTooLarge, "the request body is larger than the limit")
    }
}
