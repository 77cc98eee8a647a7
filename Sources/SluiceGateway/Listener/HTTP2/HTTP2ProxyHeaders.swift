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

    /// Whether `block` is an extended CONNECT (RFC 8441), which a proxy route does not relay.
    static func isExtendedConnect(_ block: HPACKHeaders) -> Bool {
        block.first(name: ":method") == "CONNECT" && block.contains(name: ":protocol")
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
