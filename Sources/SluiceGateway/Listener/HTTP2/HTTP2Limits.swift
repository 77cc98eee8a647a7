/// A listener's `http2:` block: the settings it announces and the rates it tolerates. The header list is
/// bounded by `limits.max_header_bytes` and bodies by `limits.max_body`, as on HTTP/1.1.
public struct HTTP2Limits: Sendable, Hashable {
    /// Streams a client may have open at once; more are refused with `REFUSED_STREAM`. Default 100.
    public var maxConcurrentStreams: Int
    /// Each stream's receive window (flow control), and the connection's. Default 1 MiB.
    public var initialWindow: Int
    /// The largest frame payload the gateway accepts. Default 16 KiB (the protocol minimum).
    public var maxFrameSize: Int
    /// Streams a client may reset (or have reset for errors) per second; past it the connection gets
    /// `GOAWAY ENHANCE_YOUR_CALM` (the "rapid reset" attack, CVE-2023-44487). Default 200.
    public var maxResetsPerSecond: Int

    public init(maxConcurrentStreams: Int = 100, initialWindow: Int = 1 << 20, maxFrameSize: Int = 16 << 10, maxResetsPerSecond: Int = 200) {
        self.maxConcurrentStreams = maxConcurrentStreams
        self.initialWindow = initialWindow
        self.maxFrameSize = maxFrameSize
        self.maxResetsPerSecond = maxResetsPerSecond
    }

    /// RFC 9113 §6.5.2 bounds.
    static let frameSizeRange = (1 << 14)...((1 << 24) - 1)
    static let windowRange = 1...Int(Int32.max)
}
