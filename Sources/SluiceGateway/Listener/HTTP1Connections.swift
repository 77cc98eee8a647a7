internal import NIOCore
internal import Synchronization

/// The listener's open connections, so shutdown can ask each to finish its current response and close
/// (`ChannelShouldQuiesceEvent`, which `HTTP1ConnectionHandler` turns into a graceful close).
final class HTTP1Connections: Sendable {
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    func add(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        channels.withLock { $0[id] = channel }
        channel.closeFuture.whenComplete { _ in
            _ = self.channels.withLock { $0.removeValue(forKey: id) }
        }
    }

    var count: Int { channels.withLock { $0.count } }

    /// Idle connections close at once; busy ones after their response.
    func quiesce() {
        for channel in channels.withLock({ Array($0.values) }) {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
    }
}
