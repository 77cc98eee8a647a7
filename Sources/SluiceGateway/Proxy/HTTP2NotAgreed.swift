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
