internal import NIOCore

/// Which shard of the flow engine's statistics an event loop counts in: its index in the gateway's group, so
/// two loops admitting calls to one resource write no counter in common. A loop outside the group (tests,
/// a caller's own loop) counts in shard 0, which is as correct, only shared.
final class FlowLoopShards: Sendable {
    private let indices: [ObjectIdentifier: Int]
    let count: Int

    init(loops: [any EventLoop]) {
        indices = Dictionary(
            loops.enumerated().map { (ObjectIdentifier($0.element), $0.offset) }, uniquingKeysWith: { first, _ in first })
        count = max(1, loops.count)
    }

    func shard(of loop: any EventLoop) -> Int {
        indices[ObjectIdentifier(loop)] ?? 0
    }
}
