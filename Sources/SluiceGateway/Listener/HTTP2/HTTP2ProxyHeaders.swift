internal import NIOHPACK
internal import NIOHTTP1

/// Between an HTTP/2 stream's header blocks and the HTTP/1.1 heads a proxied exchange speaks upstream.
enum HTTP2ProxyHeaders {
    /// The version proxied HTTP/2 requests carry inside the gateway (the upstream request is HTTP/1.1).
    static let version = HTTPVersion(major: 2, minor: 0)

    /// The head a proxied stream's request is forwarded from; `nil` without `:method` or `:path` (the
    /// collector answers those). HTTP/2 frames a body itself, so one without `content-length` (the HEADERS
    /// frame did not end the stream) is marked chunked, as HTTP/1.1 would send it; `te` is hop-by-hop and
    /// dropped with the rest (``ProxyHeaders``).
    static func request(_ block: HPACKHeaders, endStream: Bool) -> HTTPRequestHead? {
        var (method, path, headers) = HTTP2RequestCollector.fields(of: block)
        guard let method, let path, !path.isEmpty else { return nil }
        if !endStream && !headers.contains(name: "content-length") {
            headers.add(name: "transfer-encoding", value: "chunked")
        }
        return HTTPRequestHead(version: version, method: HTTPMethod(rawValue: method), uri: path, headers: headers)
    }

    /// Whether `block` is an extended CONNECT (RFC 8441).
    static func isExtendedConnect(_ block: HPACKHeaders) -> Bool {
        block.first(name: ":method") == "CONNECT" && block.contains(name: ":protocol")
    }

    /// The HTTP/1.1 upgrade an extended CONNECT for `websocket` stands for (RFC 8441 §5): a `GET` with
    /// `Connection: Upgrade`, `Upgrade: websocket` and a fresh `Sec-WebSocket-Key` (HTTP/2 has none; the
    /// exchange checks the upstream's accept value against it). `nil` without `:path`, or for another protocol.
    static func webSocketRequest(_ block: HPACKHeaders) -> HTTPRequestHead? {
        guard block.first(name: ":protocol")?.lowercased() == "websocket" else { return nil }
        var (_, path, headers) = HTTP2RequestCollector.fields(of: block)
        guard let path, !path.isEmpty else { return nil }
        headers.remove(name: "sec-websocket-key")
        headers.add(name: "Connection", value: "Upgrade")
        headers.add(name: "Upgrade", value: "websocket")
        headers.add(name: "Sec-WebSocket-Key", value: WebSocketKey.make())
        if !headers.contains(name: "sec-websocket-version") { headers.add(name: "Sec-WebSocket-Version", value: "13") }
        return HTTPRequestHead(version: version, method: .GET, uri: path, headers: headers)
    }

    /// The `200` that accepts an extended CONNECT, from the upstream's `101`: its fields without the
    /// handshake's HTTP/1.1 proof (`Sec-WebSocket-Accept`) or connection-specific ones.
    static func webSocketAccepted(_ headers: HTTPHeaders) -> HPACKHeaders {
        var kept = headers
        kept.remove(name: "sec-websocket-accept")
        return response(status: 200, headers: kept)
    }

    /// An upstream response's HEADERS: `:status` first, then `headers` (already without hop-by-hop fields)
    /// with lower-cased names, and none of the connection-specific ones HTTP/2 forbids (RFC 9113 §8.2.2).
    static func response(status: Int, headers: HTTPHeaders) -> HPACKHeaders {
        var block = HPACKHeaders()
        block.reserveCapacity(headers.count + 1)
        block.add(name: ":status", value: String(status))
        add(headers, to: &block)
        return block
    }

    /// A trailing HEADERS block for an upstream's trailer fields, the same way; `nil` when none are left.
    static func trailers(_ headers: HTTPHeaders) -> HPACKHeaders? {
        var block = HPACKHeaders()
        add(headers, to: &block)
        return block.isEmpty ? nil : block
    }

    private static func add(_ headers: HTTPHeaders, to block: inout HPACKHeaders) {
        for field in headers {
            if HTTP2ResponseWriter.isConnectionSpecific(field.name) { continue }
            block.add(name: field.name.lowercased(), value: field.value)
        }
    }
}
