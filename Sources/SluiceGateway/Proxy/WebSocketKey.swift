internal import Crypto
internal import SluiceJSON

/// The two halves of a WebSocket opening handshake's proof (RFC 6455 §4.1, §4.2.2), which the proxy makes
/// itself when one side speaks WebSocket over HTTP/2 (RFC 8441 has neither field): a key for the upgrade it
/// sends an HTTP/1.1 upstream for an HTTP/2 client, and the accept value an HTTP/1.1 client expects when the
/// upstream is HTTP/2.
enum WebSocketKey {
    /// A fresh `Sec-WebSocket-Key`: 16 random bytes, base64.
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64.encode((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// `Sec-WebSocket-Accept` for `key`: base64(SHA-1(key + the RFC's GUID)).
    static func accept(for key: String) -> String {
        let digest = Insecure.SHA1.hash(data: Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))
        return Base64.encode(Array(digest))
    }
}
