public import NIOCore
public import SluiceClient

/// A request as the gateway sees it, whatever protocol carried it (HTTP/1.1 today; HTTP/2 streams and
/// WebSocket messages later). The router, binder, codecs and client only ever see this value.
public struct GatewayRequest: Sendable {
    /// Upper-case method: `GET`, `POST`, ...
    public var method: String
    /// The raw path, still percent-encoded, without the query.
    public var path: Substring
    /// The raw query after `?` (without any `#fragment`); empty when there is none.
    public var query: Substring
    public var headers: GatewayHeaders
    /// The whole body, collected; `nil` when the request had none.
    public var body: ByteBuffer?
    /// Set by adapters whose client can give up on one request and keep the connection (an HTTP/2 stream
    /// reset): the backend call is then cancelled. `nil` on HTTP/1.1, where nothing is allocated for it.
    public var cancellation: CallCancellation?
    /// The connection peer's IP address, set by the adapters (formatted once per connection): what a flow
    /// rule on the client IP reads.
    public var clientAddress: String?
    /// Set by adapters that carry whole requests (WebSocket messages), which a proxy route then collects
    /// the response of (``ProxyCollector``); HTTP streams proxy routes before a request is whole.
    var proxyCollection: ProxyCollection?
    /// Set by adapters that carry a request's messages one by one after it (WebSocket): a route whose call
    /// streams requests (client-streaming or bidi gRPC) opens it and takes them as they come; HTTP requests
    /// carry theirs in the body.
    var messages: RequestMessageOpener?
    /// What carried the request, for metrics and access logs; set by the HTTP/2 and WebSocket adapters.
    var ingress: IngressProtocol = .http1

    public init(method: String, path: Substring, query: Substring, headers: GatewayHeaders, body: ByteBuffer?) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// Splits a request target (`/v1/x?a=1`) into path and query; both share the target's storage.
    /// An absolute-form target (`http://host/v1/x?a=1`), which servers must accept (RFC 9112 §3.2.2),
    /// is reduced to its path and query.
    public init(method: String, target: String, headers: GatewayHeaders, body: ByteBuffer?) {
        // Searched as bytes: the marks are ASCII, and a byte scan skips grapheme breaking.
        let withoutFragment = target.utf8.firstIndex(of: UInt8(ascii: "#")).map { target[..<$0] } ?? target[...]
        let origin = Self.originForm(withoutFragment)
        if let mark = origin.utf8.firstIndex(of: UInt8(ascii: "?")) {
            self.init(
                method: method,
                path: origin[..<mark],
                query: origin[origin.index(after: mark)...],
                headers: headers,
                body: body
            )
        } else {
            self.init(method: method, path: origin, query: "", headers: headers, body: body)
        }
    }

    /// `scheme://authority/path?query` -> `/path?query` (`/` when the path is empty); anything not starting
    /// with a scheme is returned as is.
    private static func originForm(_ target: Substring) -> Substring {
        let bytes = target.utf8
        guard bytes.first != UInt8(ascii: "/"),
            let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
            bytes[colon...].starts(with: "://".utf8)
        else { return target }
        let authority = bytes.index(colon, offsetBy: 3)
        guard let slash = bytes[authority...].firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") })
        else { return "/" }
        if bytes[slash] == UInt8(ascii: "?") { return Substring("/" + target[slash...]) }
        return target[slash...]
    }
}
