internal import Synchronization

/// Holds the current ``RuntimeSnapshot``. Requests read it once each (one uncontended lock and a retain);
/// reloads swap it whole.
final class RuntimeState: Sendable {
    private let snapshot: Mutex<RuntimeSnapshot>
    /// Whether the current snapshot proxies any route: the HTTP/1.1 listener routes a request at its head
    /// only then, so a gateway without proxy routes pays one relaxed load per request for the feature.
    private let proxies: Atomic<Bool>

    init(_ snapshot: RuntimeSnapshot) {
        self.snapshot = Mutex(snapshot)
        self.proxies = Atomic(snapshot.proxiesAtHead)
    }

    var hasProxyRoutes: Bool { proxies.load(ordering: .relaxed) }

    var current: RuntimeSnapshot { snapshot.withLock { $0 } }

    /// Installs `next`; returns the snapshot it replaced.
    func swap(_ next: RuntimeSnapshot) -> RuntimeSnapshot {
        snapshot.withLock { current in
            let previous = current
            current = next
            proxies.store(next.proxiesAtHead, ordering: .relaxed)
            return previous
        }
    }
}
