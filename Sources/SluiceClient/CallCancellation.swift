internal import Synchronization

/// Lets a caller give up on calls it started: an HTTP/2 stream the client reset, say. Cancelling fails the
/// call at once with `.cancelled` and frees what it held: a multiplexed connection's seq id (its late reply
/// is dropped), or an exclusive pooled connection (closed, as after a timeout, since the reply may still come).
///
/// Cancelled from any thread; each call's connection acts on its own event loop.
public final class CallCancellation: Sendable {
    private enum State {
        case active([@Sendable () -> Void])
        case cancelled
    }

    private let state = Mutex(State.active([]))

    public init() {}

    public var isCancelled: Bool {
        state.withLock { if case .cancelled = $0 { return true } else { return false } }
    }

    /// Runs every registered action once; later registrations run at once.
    public func cancel() {
        let actions: [@Sendable () -> Void] = state.withLock { state in
            guard case .active(let actions) = state else { return [] }
            state = .cancelled
            return actions
        }
        for action in actions { action() }
    }

    /// Runs `action` when the calls are cancelled (at once if they are already), on the cancelling thread.
    package func onCancel(_ action: @escaping @Sendable () -> Void) {
        let runNow: Bool = state.withLock { state in
            guard case .active(var actions) = state else { return true }
            state = .active([])  // drop the array's reference before appending, so it grows in place
            actions.append(action)
            state = .active(actions)
            return false
        }
        if runNow { action() }
    }
}
