import Synchronization

/// A ``NodeMetrics`` shared by the event loops that admit calls to one resource (or one origin of it, or all
/// inbound traffic), kept in one shard per loop: each loop counts its own calls in its own shard, so the
/// counters a call writes (a pass, a completion) never move between cores; a rule's reading sums the shards.
/// With one shard (tests, one loop) it is exactly one `NodeMetrics`.
///
/// Mutexes, not atomics: an event reads and writes a few counters of two windows at once, an uncontended lock
/// costs about as much as two atomic adds, and each shard stays the value the tests drive. Shards are
/// separate objects, so two loops' shards never share a cache line.
public final class StatisticNode: Sendable {
    private final class Shard: Sendable {
        let metrics: Mutex<NodeMetrics>
        init(_ metrics: NodeMetrics) { self.metrics = Mutex(metrics) }
    }

    private let shards: [Shard]
    /// The per-second window's shape, the same in every shard.
    private let sampleCount: Int
    private let intervalMillis: Int64

    /// - Parameter shards: how many loops count in it (at least 1); each starts as `metrics`.
    public init(_ metrics: NodeMetrics = NodeMetrics(), shards: Int = 1) {
        self.shards = (0..<max(1, shards)).map { _ in Shard(metrics) }
        sampleCount = metrics.second.sampleCount
        intervalMillis = metrics.second.intervalMillis
    }

    public var shardCount: Int { shards.count }

    private func shard(_ index: Int) -> Shard {
        shards.count == 1 ? shards[0] : shards[(index % shards.count + shards.count) % shards.count]
    }

    /// Runs `body` on one shard's metrics under its lock (shard 0: all of a one-shard node); keep it short.
    public func withMetrics<R>(shard index: Int = 0, _ body: (inout NodeMetrics) -> R) -> R {
        shard(index).metrics.withLock { body(&$0) }
    }

    /// Every shard's counts added into one value (a copy): for reads that need the windows bucket by bucket,
    /// off the request path (tests, metrics, a prioritized call's booking).
    public func merged(at now: Int64) -> NodeMetrics {
        var total = shards[0].metrics.withLock { metrics in
            metrics.refresh(at: now)
            return metrics
        }
        for shard in shards.dropFirst() {
            shard.metrics.withLock { metrics in
                metrics.refresh(at: now)
                total.absorb(metrics)
            }
        }
        return total
    }

    public func reading(at now: Int64, fields: NodeReading.Fields = .passQpsAndPrevious) -> NodeReading {
        if fields == .none { return NodeReading() }
        if shards.count == 1 { return shards[0].metrics.withLock { $0.reading(at: now, fields: fields) } }
        var total = NodeReading()
        for shard in shards {
            let part = shard.metrics.withLock { $0.reading(at: now, fields: fields) }
            total.passQps += part.passQps
            total.previousPassQps += part.previousPassQps
            total.inFlight += part.inFlight
        }
        return total
    }

    public func recordPass(now: Int64, shard index: Int = 0) { withMetrics(shard: index) { $0.recordPass(now: now) } }
    public func recordBlock(now: Int64, shard index: Int = 0) { withMetrics(shard: index) { $0.recordBlock(now: now) } }
    public func recordWaitingEntry(shard index: Int = 0) { withMetrics(shard: index) { $0.recordWaitingEntry() } }
    public func recordCompletion(rtMillis: Int64, failed: Bool, now: Int64, shard index: Int = 0) {
        withMetrics(shard: index) { $0.recordCompletion(rtMillis: rtMillis, failed: failed, now: now) }
    }
}

extension StatisticNode {
    /// What system rules read, summed over the shards.
    public func inboundReading(at now: Int64) -> InboundReading {
        if shards.count == 1 { return shards[0].metrics.withLock { $0.inboundReading(at: now) } }
        var sums = InboundSums(sampleCount: sampleCount)
        var inFlight: Int64 = 0
        for shard in shards {
            shard.metrics.withLock { metrics in
                metrics.addInbound(at: now, into: &sums)
                inFlight += metrics.inFlight
            }
        }
        return sums.reading(intervalMillis: intervalMillis, inFlight: inFlight)
    }
}
