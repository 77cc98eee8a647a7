internal import SluiceClient

/// An `h2: true` upstream whose TLS handshake did not pick `h2` by ALPN: it would be spoken to in a protocol
/// it did not agree to, so the connection is closed.
struct HTTP2NotAgreed: Error, CustomStringConvertible {
    let endpoint: Endpoint
    /// What the upstream picked; nil when it answered no ALPN at all.
    let negotiated: String?

    var description: String {
        "\(endpoint) did not agree to HTTP/2 by ALPN (it chose \(negotiated.map { "'\($0)'" } ?? "no protocol")); 'h2: true' needs an upstream that speaks h2"
    }
}

extension GatewayError {
    /// A proxied request's upstream could not be reached: the 502/504 of ``init(client:service:)``, or for an
    /// upstream refusing HTTP/2, or WebSocket over it, a 502 that says so (without its address).
    init(upstream error: any Error, service: String) {
        switch error {
        case is HTTP2NotAgreed:
            self.init(.badGateway, "service '\(service)' did not agree to HTTP/2: its TLS handshake picked no 'h2' by ALPN")
        case is HTTP2NoExtendedConnect:
            self.init(
                .badGateway,
                "service '\(service)' takes no WebSocket over HTTP/2: its SETTINGS do not enable extended CONNECT (RFC 8441)")
        default:
            self.init(client: error, service: service)
        }
    }
}
