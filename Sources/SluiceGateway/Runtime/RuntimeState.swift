internal import Synchronization

/// Holds the current ``RuntimeSnapshot``. Requests read it once each (one uncontended lock and a retain);
/// reloads swap it whole.
final class RuntimeState: Sendable {
    private let snapshot: Mutex<RuntimeSnapshot>

    init(_ snapshot: RuntimeSnapshot) { self.snapshot = Mutex(snapshot) }

    var current: RuntimeSnapshot { snapshot.withLock { $0 } }

    /// Installs `next`; returns the snapshot it replaced.
    func swap(_ next: RuntimeSnapshot) -> RuntimeSnapshot {
        snapshot.withLock { current in
            let previous = current
            current = next
            return previous
        }
    }
}
