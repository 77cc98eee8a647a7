import Synchronization

/// A ``NodeMetrics`` shared by the event loops that admit calls to one resource (or one origin of it, or all
/// inbound traffic). A Mutex, not atomics: an admit reads and writes a few counters of two windows at once, an
/// uncontended lock costs about as much as two atomic adds, and the value stays the one the tests drive.
public final class StatisticNode: Sendable {
    private let metrics: Mutex<NodeMetrics>

    public init(_ metrics: NodeMetrics = NodeMetrics()) {
        self.metrics = Mutex(metrics)
    }

    /// Runs `body` on the metrics under the lock; keep it short.
    public func withMetrics<R>(_ body: (inout NodeMetrics) -> R) -> R {
        metrics.withLock { body(&$0) }
    }

    public func reading(at now: Int64) -> NodeReading { withMetrics { $0.reading(at: now) } }
    /// The last minute second by second (see ``NodeMetrics/lastMinute(at:)``) and the entries in flight now.
    public func lastMinute(at now: Int64) -> (seconds: [(start: Int64, bucket: MetricBucket)], inFlight: Int64) {
        withMetrics { ($0.lastMinute(at: now), $0.inFlight) }
    }
    /// Each second's completion times over the last minute (see ``NodeMetrics/lastMinuteRT(at:)``).
    public func lastMinuteRT(at now: Int64) -> [Int64: RTHistogram] { withMetrics { $0.lastMinuteRT(at: now) } }
    public func recordPass(now: Int64) { withMetrics { $0.recordPass(now: now) } }
    public func recordBlock(now: Int64) { withMetrics { $0.recordBlock(now: now) } }
    public func recordCompletion(rtMillis: Int64, failed: Bool, now: Int64) {
        withMetrics { $0.recordCompletion(rtMillis: rtMillis, failed: failed, now: now) }
    }
}
