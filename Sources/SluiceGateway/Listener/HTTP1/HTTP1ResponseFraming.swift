/// What a response's framing takes from its request: whether the body is sent and what `connection` says.
struct HTTP1ResponseFraming: Hashable {
    enum Connection: Hashable {
        /// HTTP/1.1 keep-alive is the default, so nothing is written.
        case keepAlive
        /// An HTTP/1.0 client keeps the connection only when told so (RFC 9112 §9.3 and its appendix C.2.2).
        case keepAliveHTTP10
        /// `connection: close`, and the connection closes after this response.
        case close
    }

    /// A response to `HEAD` says how long its body would be but carries none (RFC 9110 §9.3.2).
    var omitsBody: Bool
    var connection: Connection

    static let closing = HTTP1ResponseFraming(omitsBody: false, connection: .close)
}
