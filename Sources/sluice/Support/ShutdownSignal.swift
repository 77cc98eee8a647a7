import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Suspends until the process receives SIGINT or SIGTERM, so long-running commands can shut down cleanly.
enum ShutdownSignal {
    /// Returns the name of the signal that arrived.
    static func wait() async -> String {
        await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            let queue = DispatchQueue(label: "sluice.signals")
            let box = SignalSources(continuation: continuation)
            queue.sync {
                for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
                    // The default action would kill the process before the source could run.
                    signal(number, SIG_IGN)
                    let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                    source.setEventHandler { box.fire(name) }
                    box.sources.append(source)
                    source.resume()
                }
            }
        }
    }
}

/// Holds the signal sources alive until the first signal, then resumes the waiter once.
/// `@unchecked Sendable`: every access happens on the one serial `sluice.signals` queue.
private final class SignalSources: @unchecked Sendable {
    var sources: [any DispatchSourceSignal] = []
    private var continuation: CheckedContinuation<String, Never>?

    init(continuation: CheckedContinuation<String, Never>) { self.continuation = continuation }

    func fire(_ name: String) {
        guard let continuation else { return }
        self.continuation = nil
        for source in sources { source.cancel() }
        sources.removeAll()
        // A second Ctrl-C during a slow shutdown ends the process the usual way.
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        continuation.resume(returning: name)
    }
}
