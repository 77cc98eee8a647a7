internal import NIOCore
internal import Synchronization

/// A streaming call as its caller holds it: what the caller does before the call reached its shard's loop
/// waits, in order, and runs there once it has.
final class GRPCCallHandle: Sendable {
    private enum State {
        case pending([@Sendable (GRPCPendingCall) -> Void])
        case started(GRPCPendingCall)
    }

    private let state = Mutex(State.pending([]))

    /// Runs `action` with the call on its loop: now if the call started (hopping there if need be), else once
    /// it does. From any thread.
    func withCall(_ action: @escaping @Sendable (GRPCPendingCall) -> Void) {
        let call: GRPCPendingCall? = state.withLock { state in
            switch state {
            case .pending(var actions):
                state = .pending([])  // drop the array's reference before appending, so it grows in place
                actions.append(action)
                state = .pending(actions)
                return nil
            case .started(let call):
                return call
            }
        }
        guard let call else { return }
        if call.eventLoop.inEventLoop {
            action(call)
        } else {
            call.eventLoop.execute { action(call) }
        }
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
        let actions: [@Sendable (GRPCPendingCall) -> Void] = state.withLock { state in
            guard case .pending(let actions) = state else { return [] }
            state = .started(call)
            return actions
        }
        for action in actions { action(call) }
    }
}
