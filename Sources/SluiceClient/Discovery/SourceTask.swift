internal import Synchronization

/// The one task a source runs in, started once and stopped by cancelling it and waiting for it to end.
///
/// Shared between whoever calls `start` and `stop` (any thread), so its state sits behind a `Mutex`; the task
/// itself owns everything else a source keeps (last set, backoff, connection), so that needs no lock.
final class SourceTask: Sendable {
    private enum State {
        case idle
        case running(Task<Void, Never>)
        case stopped
    }

    private let state = Mutex(State.idle)

    /// Runs `body` in a new task unless one was already started (or the source was stopped).
    func start(_ body: @escaping @Sendable () async -> Void) {
        state.withLock { state in
            guard case .idle = state else { return }
            state = .running(Task { await body() })
        }
    }

    /// Cancels the task and waits for it; afterwards the source never starts again.
    func stop() async {
        let task: Task<Void, Never>? = state.withLock { state in
            defer { state = .stopped }
            guard case .running(let task) = state else { return nil }
            return task
        }
        task?.cancel()
        await task?.value
    }
}

/// The last set a source delivered, and the callback: it passes a set on only when it differs.
struct EndpointDelivery: Sendable {
    private let onChange: @Sendable ([WeightedEndpoint]) -> Void
    private(set) var last: [WeightedEndpoint]?

    init(_ onChange: @escaping @Sendable ([WeightedEndpoint]) -> Void) {
        self.onChange = onChange
    }

    /// Delivers `endpoints` (already normalized) unless it equals the last delivered set; returns whether it did.
    @discardableResult
    mutating func offer(_ endpoints: [WeightedEndpoint]) -> Bool {
        guard endpoints != last, !Task.isCancelled else { return false }
        last = endpoints
        onChange(endpoints)
        return true
    }
}
