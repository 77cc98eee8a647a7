internal import Logging
internal import NIOCore

/// Framed/Buffered: long connections carrying one call at a time, pooled per endpoint (see
/// ``ConnectionPoolStateMachine``), endpoints picked round-robin.
///
/// One ``PoolShard`` per event loop of the client's group: a caller on a loop is served by that loop's shard,
/// whose connections live on the same loop, so the pooled path takes no lock and no thread hop. The limits are
/// split across the shards (`maxConnections` and `maxIdleConnections` each divided as evenly as whole numbers
/// allow), so the totals per endpoint hold for the client as a whole. With fewer connections allowed than
/// loops, only that many loops get a shard and callers on the others hop to one; callers on a loop outside the
/// group hop to the shards in turn.
final class PooledCallTransport: ThriftCallTransport {
    private let shards: [PoolShard]
    private let choice: ShardChoice
    private let hasEndpoints: Bool
    let connections: ConnectionGauge?

    init(
        settings: [ConnectionSettings],
        pool: ConnectionPoolStateMachine.Configuration,
        connectTimeout: TimeAmount,
        group: any EventLoopGroup,
        logger: Logger
    ) {
        var loops = Array(group.makeIterator())
        if loops.isEmpty { loops = [group.next()] }
        let count = Self.shardCount(loops: loops.count, maxConnections: pool.maxConnections)
        let gauge = ConnectionGauge()
        self.connections = gauge
        let settings = settings.map { $0.counted(by: gauge) }
        self.shards = (0..<count).map { index in
            PoolShard(
                settings: settings,
                pool: .init(
                    maxConnections: Self.share(of: pool.maxConnections, shard: index, shards: count),
                    maxIdleConnections: Self.share(of: pool.maxIdleConnections, shard: index, shards: count),
                    idleTimeout: pool.idleTimeout),
                connectTimeout: connectTimeout, eventLoop: loops[index], logger: logger)
        }
        self.choice = ShardChoice(loops: loops, shards: count)
        self.hasEndpoints = !settings.isEmpty
    }

    /// One shard per loop, but no more shards than connections allowed: each shard needs at least one.
    static func shardCount(loops: Int, maxConnections: Int) -> Int {
        max(1, min(loops, maxConnections))
    }

    /// Shard `shard`'s part of `total`: the parts differ by at most one and add up to `total`.
    static func share(of total: Int, shard: Int, shards: Int) -> Int {
        total / shards + (shard < total % shards ? 1 : 0)
    }

    func send(_ call: OutboundCall, promise: EventLoopPromise<ThriftReply>) {
        guard hasEndpoints else {
            promise.fail(ClientError(.noEndpoints, "no endpoints configured"))
            return
        }
        let shard = shards[choice.index(for: promise.futureResult.eventLoop)]
        if shard.eventLoop.inEventLoop {
            shard.send(call, promise: promise)
        } else {
            shard.eventLoop.execute { shard.send(call, promise: promise) }
        }
    }

    func shutdown() async {
        var open: [ThriftConnection] = []
        for shard in shards {
            // Fails if the group is already shut down, and with it every connection on it.
            if let connections = try? await shard.eventLoop.submit({ shard.shutdown() }).get() {
                open += connections
            }
        }
        for connection in open {
            try? await connection.channel.close()
        }
    }
}
