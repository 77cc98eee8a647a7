public import NIOCore
internal import Synchronization

/// A server-streaming call under way (``GRPCClient/serverStreamingCall(path:message:metadata:timeout:cancellation:on:onMessage:)``):
/// the consumer's demand in, the final status out.
public final class GRPCResponseStream: Sendable {
    /// Completes once every message was delivered: the status, headers and trailers (`message` nil); fails
    /// with a ``ClientError`` when there is no gRPC answer, or the deadline or a cancellation comes first.
    public let reply: EventLoopFuture<GRPCReply>

    private enum Start {
        /// Demand asked for before the call reached its loop.
        case pending(Int)
        case started(GRPCPendingCall)
    }

    private let state = Mutex(Start.pending(0))

    init(reply: EventLoopFuture<GRPCReply>) {
        self.reply = reply
    }

    /// Asks for `count` more messages (from any thread); each comes to the call's `onMessage`.
    public func request(_ count: Int = 1) {
        guard count > 0 else { return }
        let call: GRPCPendingCall? = state.withLock { state in
            switch state {
            case .pending(let earlier):
                state = .pending(earlier &+ count)
                return nil
            case .started(let call):
                return call
            }
        }
        guard let call else { return }
        if call.eventLoop.inEventLoop {
            call.request(count)
        } else {
            call.eventLoop.execute { call.request(count) }
        }
    }

    /// The call is on its loop: demand asked for so far goes to it. Runs there.
    func started(_ call: GRPCPendingCall) {
        let earlier: Int = state.withLock { state in
            guard case .pending(let earlier) = state else { return 0 }
            state = .started(call)
            return earlier
        }
        call.request(earlier)
    }
}
