import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGHUP as a request to reload, as nginx and HAProxy take it. Each signal calls `onSignal`; signals that
/// arrive while one is handled are not queued one by one (the kernel folds them), which is what a reload wants:
/// the files are read once, as they are when it runs.
final class ReloadSignal {
    private let source: any DispatchSourceSignal

    private init(source: any DispatchSourceSignal) {
        self.source = source
    }

    static func install(_ onSignal: @escaping @Sendable () -> Void) -> ReloadSignal {
        // The default action would end the process.
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "sluice.reload-signal"))
        source.setEventHandler(handler: onSignal)
        source.resume()
        return ReloadSignal(source: source)
    }

    func cancel() { source.cancel() }
}
