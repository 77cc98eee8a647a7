internal import NIOCore
internal import Synchronization

/// A streaming call as its caller holds it: what the caller does before the call reached its shard's loop
/// (or, through a cluster, before an attempt's stream opened) waits, in order, and runs there once it has.
/// A call through a cluster binds only when a stream opens, so an attempt that failed before that (a connect
/// failure) took nothing with it and another can carry the call; a call that ends with no stream ever open
/// fails what waited (``ended(_:)``).
final class GRPCCallHandle: Sendable {
    struct Waiting: Sendable {
        let action: @Sendable (GRPCPendingCall) -> Void
        /// What happens instead when the call ends before any stream opened.
        let orElse: @Sendable (ClientError) -> Void
    }

    private enum State {
        case pending([Waiting])
        case started(GRPCPendingCall)
        case ended(ClientError)
    }

    private let state = Mutex(State.pending([]))

    /// A handle whose waiting actions fail with the call's error if `reply` fails before any stream opened.
    static func ending(with reply: EventLoopFuture<GRPCReply>) -> GRPCCallHandle {
        let handle = GRPCCallHandle()
        reply.whenFailure { error in
            handle.ended(error as? ClientError ?? ClientError(.protocolError, "\(error)"))
        }
        return handle
    }

    /// Runs `action` with the call on its loop: now if the call started (hopping there if need be), else once
    /// it does; `orElse` instead if it ends without starting. From any thread.
    func withCall(
        _ action: @escaping @Sendable (GRPCPendingCall) -> Void,
        orElse: @escaping @Sendable (ClientError) -> Void = { _ in }
    ) {
        enum Next {
            case wait
            case run(GRPCPendingCall)
            case fail(ClientError)
        }
        let next: Next = state.withLock { state in
            switch state {
            case .pending(var waiting):
                state = .pending([])  // drop the array's reference before appending, so it grows in place
                waiting.append(Waiting(action: action, orElse: orElse))
                state = .pending(waiting)
                return .wait
            case .started(let call):
                return .run(call)
            case .ended(let error):
                return .fail(error)
            }
        }
        switch next {
        case .wait: return
        case .fail(let error): return orElse(error)
        case .run(let call):
            if call.eventLoop.inEventLoop {
                action(call)
            } else {
                call.eventLoop.execute { action(call) }
            }
        }
    }

    /// The call ended; if no stream ever opened for it, what waited fails with `error`.
    func ended(_ error: ClientError) {
        for item in settle(.ended(error)) { item.orElse(error) }
    }

    /// The call, once it started; nil before.
    var current: GRPCPendingCall? {
        state.withLock { state in
            if case .started(let call) = state { return call }
            return nil
        }
    }

    /// The call is on its loop; runs there.
    func started(_ call: GRPCPendingCall) {
        for item in settle(.started(call)) { item.action(call) }
    }

    /// Leaves `.pending` for `next` and returns what waited; nothing when the handle had settled already.
    private func settle(_ next: State) -> [Waiting] {
        state.withLock { state in
            guard case .pending(let waiting) = state else { return [] }
            state = next
            return waiting
        }
    }
}
