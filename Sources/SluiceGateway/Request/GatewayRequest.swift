public import NIOCore

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

    public init(method: String, path: Substring, query: Substring, headers: GatewayHeaders, body: ByteBuffer?) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// Splits a request target (`/v1/x?a=1`) into path and query; both share the target's storage.
    public init(method: String, target: String, headers: GatewayHeaders, body: ByteBuffer?) {
        // Searched as bytes: both marks are ASCII, and a byte scan skips grapheme breaking.
        let withoutFragment = target.utf8.firstIndex(of: UInt8(ascii: "#")).map { target[..<$0] } ?? target[...]
        if let mark = withoutFragment.utf8.firstIndex(of: UInt8(ascii: "?")) {
            self.init(
                method: method,
                path: withoutFragment[..<mark],
                query: withoutFragment[withoutFragment.index(after: mark)...],
                headers: headers,
                body: body
            )
        } else {
            self.init(method: method, path: withoutFragment, query: "", headers: headers, body: body)
        }
    }
}
