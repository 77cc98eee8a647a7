internal import NIOCore
internal import Synchronization

/// The listener's open connections, so shutdown can ask each to finish its current response and close
/// (`ChannelShouldQuiesceEvent`: HTTP/1.1 closes after the response it owes, HTTP/2 says GOAWAY and lets its streams finish).
final class ListenerConnections: Sendable {
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    func add(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        channels.withLock { $0[id] = channel }
        channel.closeFuture.whenComplete { _ in
            _ = self.channels.withLock { $0.removeValue(forKey: id) }
        }
    }

    var count: Int { channels.withLock { $0.count } }

    /// What a drain timeout leaves: closed now, whatever they were doing.
    func closeAll() {
        for channel in channels.withLock({ Array($0.values) }) { channel.close(promise: nil) }
    }

    /// Idle connections close at once; busy ones after their response.
    func quiesce() {
        for channel in channels.withLock({ Array($0.values) }) {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
    }
}
