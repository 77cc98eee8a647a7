import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT and SIGTERM as an event long-running commands wait for, so they can shut down cleanly.
///
/// Install it before announcing readiness: a signal that arrives between the two is remembered, not lost
/// to the default action (which would end the process without a clean shutdown).
final class ShutdownSignal: Sendable {
    private enum State {
        case waiting(CheckedContinuation<String, Never>?)
        case received(String)
    }

    private let state = Mutex(State.waiting(nil))
    private let sources = SignalSources()
    private let queue = DispatchQueue(label: "sluice.signals")

    static func install() -> ShutdownSignal {
        let shutdown = ShutdownSignal()
        shutdown.queue.sync {
            for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
                // The default action would end the process before the source could run.
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: shutdown.queue)
                source.setEventHandler { shutdown.received(name) }
                source.resume()
                shutdown.sources.all.append(source)
            }
        }
        return shutdown
    }

    /// Suspends until SIGINT or SIGTERM; returns the signal's name.
    func wait() async -> String {
        await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            let name: String? = state.withLock { state in
                switch state {
                case .received(let name):
                    return name
                case .waiting:
                    state = .waiting(continuation)
                    return nil
                }
            }
            if let name { continuation.resume(returning: name) }
        }
    }

    private func received(_ name: String) {
        let continuation: CheckedContinuation<String, Never>?? = state.withLock { state in
            guard case .waiting(let continuation) = state else { return nil }
            state = .received(name)
            return .some(continuation)
        }
        guard let continuation else { return }  // a second signal during shutdown
        // A second Ctrl-C during a slow shutdown ends the process the usual way.
        // Event handlers run on `queue`, so this is too.
        for source in sources.all { source.cancel() }
        sources.all.removeAll()
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        continuation?.resume(returning: name)
    }
}

/// Keeps the dispatch sources alive.
/// `@unchecked Sendable`: only touched on ``ShutdownSignal``'s serial queue (installation and handlers).
private final class SignalSources: @unchecked Sendable {
    var all: [any DispatchSourceSignal] = []
}
