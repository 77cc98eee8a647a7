internal import SluiceClient

/// A WebSocket upgrade proxied to an HTTP/2 upstream whose SETTINGS do not enable extended CONNECT
/// (SETTINGS_ENABLE_CONNECT_PROTOCOL, RFC 8441 §3): it cannot be asked to carry a WebSocket.
struct HTTP2NoExtendedConnect: Error, CustomStringConvertible {
    let endpoint: Endpoint

    var description: String {
        "\(endpoint) does not enable extended CONNECT (SETTINGS_ENABLE_CONNECT_PROTOCOL), so it takes no WebSocket over HTTP/2"
    }
}
