internal import NIOCore
internal import Synchronization

/// Which of a client's per-loop shards serves a call: the one on the caller's loop, so the call takes no hop;
/// for a caller on a loop outside the client's group, the shards in turn. Shared by the pooled Thrift
/// transport and the gRPC client.
final class ShardChoice: Sendable {
    private let indices: [ObjectIdentifier: Int]
    private let count: Int
    private let turn = Atomic<UInt>(0)

    /// Loop `i` of `loops` is served by shard `i % shards`.
    init(loops: [any EventLoop], shards: Int) {
        self.count = max(1, shards)
        self.indices = Dictionary(
            loops.enumerated().map { (ObjectIdentifier($0.element), $0.offset % max(1, shards)) },
            uniquingKeysWith: { first, _ in first })
    }

    func index(for loop: any EventLoop) -> Int {
        if let index = indices[ObjectIdentifier(loop)] { return index }
        return Int(turn.wrappingAdd(1, ordering: .relaxed).oldValue % UInt(count))
    }
}
