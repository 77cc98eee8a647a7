/// One listening socket from the gateway config file's `listeners:` list. Every listener serves HTTP/1.1
/// and HTTP/2 (cleartext: h2c with prior knowledge on the same port; TLS: chosen by ALPN).
public struct ListenerConfiguration: Sendable, Hashable {
    public var address: ListenAddress
    /// `nil`: cleartext.
    public var tls: ListenerTLS?
    public var http2: HTTP2Limits
    /// Its own `access_log:`, `off`, or (``ListenerAccessLog/inherit``) the gateway's.
    public var accessLog: ListenerAccessLog = .inherit

    public init(address: ListenAddress, tls: ListenerTLS? = nil, http2: HTTP2Limits = HTTP2Limits()) {
        self.address = address
        self.tls = tls
        self.http2 = http2
    }
}
