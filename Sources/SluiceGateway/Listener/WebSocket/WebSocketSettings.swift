public import NIOCore

/// WebSocket as an RPC transport (`websocket:` in the gateway config file): where clients upgrade, and what one
/// socket may send. Every listener serves it when set; without it no path upgrades.
public struct WebSocketSettings: Sendable, Hashable {
    /// The request path (no query) that upgrades with `Upgrade: websocket`; other requests to it are routed
    /// as usual. Default `/ws`.
    public var path: String
    /// A larger message, whole or reassembled from fragments, closes the socket with 1009. Default 1 MiB.
    public var maxMessageSize: Int
    /// Requests one socket may have dispatched and unanswered; at this many the socket stops reading (the
    /// client waits, nothing is refused). Default 100.
    public var maxInFlight: Int
    /// How often the gateway pings; a client that sends nothing (pongs included) for the listener's idle
    /// timeout is closed. Default 30 s.
    public var pingInterval: TimeAmount

    /// The frame decoder takes a 32-bit limit; messages beyond a gigabyte are no RPC.
    public static let maxMessageSizeLimit = 1 << 30

    public init(
        path: String = "/ws", maxMessageSize: Int = 1 << 20, maxInFlight: Int = 100, pingInterval: TimeAmount = .seconds(30)
    ) {
        self.path = path
        self.maxMessageSize = maxMessageSize
        self.maxInFlight = maxInFlight
        self.pingInterval = pingInterval
    }
}
