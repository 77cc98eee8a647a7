/// How many request bytes a multiplexed connection may carry before it retires: it takes no new calls, and
/// closes once the replies to the calls it carries are in (or timed out).
///
/// Apache C++ THeader servers (TSimpleServer, TThreadedServer, TThreadPoolServer of libthrift 0.14 and later)
/// give each connection separate input and output transports. Only `flush()` resets a transport's
/// `TConfiguration` message-size count, and only the output one is ever flushed, so the input one keeps counting
/// the string and binary bytes of every request on the connection. At the default `maxMessageSize` (100 MiB)
/// the server throws `MaxMessageSize reached`, which it treats as the client leaving: it closes silently,
/// without answering the calls in flight. Retiring the connection well before that loses no call.
///
/// A pure value; nil `limit` never retires.
struct RequestByteBudget: Sendable {
    /// Below Apache's 100 MiB, with room for the calls already on their way when the budget runs out.
    static let theader = 64 * 1024 * 1024

    let limit: Int?
    private(set) var written = 0
    private(set) var isSpent = false

    init(limit: Int?) {
        self.limit = limit
    }

    /// Counts one written request. True exactly once: when this request spends the budget.
    mutating func wrote(_ bytes: Int) -> Bool {
        guard let limit, !isSpent else { return false }
        written += bytes
        guard written >= limit else { return false }
        isSpent = true
        return true
    }
}
