public import NIOCore

/// What one client connection may send, the same on every listener (`limits:` in the gateway config file).
public struct ListenerLimits: Sendable, Hashable {
    /// Larger request bodies are refused with 413. Default 8 MiB.
    public var maxBodySize: Int
    /// A request line plus header names and values (trailers too) larger than this is refused with 431 and
    /// the connection closes. NIO's decoder counts them as it parses, so the limit costs nothing per
    /// request and a head that never ends cannot grow memory past it. Default 64 KiB.
    public var maxHeaderBytes: Int
    /// A connection that sends nothing for this long is closed (unless a request on it awaits its
    /// backend). Default 60 s.
    public var idleTimeout: TimeAmount
    /// A client that started a request head and has not finished it within this long (slowloris) gets 408
    /// and the connection closes. Default 10 s.
    public var headerTimeout: TimeAmount

    public init(
        maxBodySize: Int = 8 << 20, maxHeaderBytes: Int = 64 << 10, idleTimeout: TimeAmount = .seconds(60),
        headerTimeout: TimeAmount = .seconds(10)
    ) {
        self.maxBodySize = maxBodySize
        self.maxHeaderBytes = maxHeaderBytes
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
    }
}
