/// A connection's keepalive as a pure value: a PING every interval while streams are open, and the connection
/// given up when a PING's ACK does not come within the timeout (the peer or the path is gone, though TCP has
/// not noticed).
struct GRPCKeepalive: Sendable {
    /// The PING in flight, by its opaque data.
    private(set) var outstanding: UInt64?
    private var nextPing: UInt64 = 1

    /// The interval passed: the PING to send (and time), or nil when none is due (no open stream, or one is
    /// still unanswered).
    mutating func intervalElapsed(openStreams: Int) -> UInt64? {
        guard openStreams > 0, outstanding == nil else { return nil }
        let ping = nextPing
        nextPing &+= 1
        outstanding = ping
        return ping
    }

    /// A PING ACK came; one that answers no PING of ours is ignored.
    mutating func acknowledged(_ ping: UInt64) {
        if outstanding == ping { outstanding = nil }
    }

    /// The timeout for `ping` passed: true when it is still unanswered and the connection must close.
    func timedOut(_ ping: UInt64) -> Bool {
        outstanding == ping
    }
}
