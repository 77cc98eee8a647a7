internal import Foundation
internal import NIOCore

/// Reloads the gateway when the files its configuration came from change: the routes directory (route files,
/// Sentinel files beside them), the directories of the IDLs its services load, their include and import
/// directories, and Sentinel files elsewhere. A change is read once the files have stayed unchanged for the
/// quiet period; a refused change keeps the running configuration (``Gateway/reload(trigger:)`` logs why) and
/// is not retried until the files change again.
///
/// On Linux, inotify (``FileEvents``) wakes it as soon as a watched directory changes, and the files are polled
/// only every ten intervals as a fallback (a file system that reports no events: some network and container
/// mounts); elsewhere, or when inotify cannot be had, they are polled every interval.
final class ConfigWatcher: Sendable {
    private let task: Task<Void, Never>
    #if canImport(Glibc)
    private let events: FileEvents?
    #endif

    init(gateway: Gateway, settings: WatchSettings) {
        // Taken now, not when the task first runs: a change made meanwhile must differ from it.
        let start = Self.places(gateway)
        let loaded = start.fingerprint()
        #if canImport(Glibc)
        let events = FileEvents()
        self.events = events
        events?.watch(directories: start.directories, shallow: start.watchedDirectories)
        #endif
        task = Task { [weak gateway] in
            var places = start
            var seen = loaded
            while !Task.isCancelled {
                #if canImport(Glibc)
                if let events {
                    await events.wait(timeout: .nanoseconds(settings.interval.nanoseconds * 10))
                    guard !Task.isCancelled else { return }
                    // A directory created since is watched from now on.
                    events.watch(directories: places.directories, shallow: places.watchedDirectories)
                } else {
                    guard await Self.sleep(settings.interval) else { return }
                }
                #else
                guard await Self.sleep(settings.interval) else { return }
                #endif
                var current = places.fingerprint()
                guard current != seen else { continue }
                // Settle: read only once a whole quiet period passes without another change.
                while true {
                    guard await Self.sleep(settings.quiet) else { return }
                    let next = places.fingerprint()
                    if next == current { break }
                    current = next
                }
                guard let gateway else { return }
                await gateway.reload(trigger: "file")
                // A reload may name other files (a new IDL); a change made while it ran is seen next time.
                let after = Self.places(gateway)
                seen = after == places ? current : after.fingerprint()
                places = after
            }
        }
    }

    func stop() {
        task.cancel()
        #if canImport(Glibc)
        events?.close()
        #endif
    }

    /// Where a gateway's configuration comes from.
    struct Places: Equatable {
        var directories: [String]
        var shallow: [String]
        var files: [String]

        func fingerprint() -> FileFingerprint { FileFingerprint(directories: directories, shallow: shallow, files: files) }

        /// The directories whose events matter besides `directories`' trees: the shallow ones, and those holding
        /// the single files (a file replaced by rename is an event in its directory, not on the file).
        var watchedDirectories: [String] {
            shallow + files.map { file in
                let directory = (file as NSString).deletingLastPathComponent
                return directory.isEmpty ? "." : directory
            }
        }
    }

    static func places(_ gateway: Gateway) -> Places {
        let configuration = gateway.currentConfiguration
        var shallow = Set(gateway.configuration.includeDirectories)
        for service in configuration.services where service.kind != .http {
            let directory = (service.idlPath as NSString).deletingLastPathComponent
            if !service.idlPath.isEmpty { shallow.insert(directory.isEmpty ? "." : directory) }
            shallow.formUnion(service.grpc.importPaths)
        }
        // Key files named by plugins, wherever they are.
        let files = Set(configuration.flowRules.ruleFiles + configuration.pluginFiles)
        return Places(
            directories: [gateway.configuration.routesDirectory], shallow: shallow.sorted(), files: files.sorted())
    }

    /// False when cancelled.
    private static func sleep(_ amount: TimeAmount) async -> Bool {
        do {
            try await Task.sleep(nanoseconds: UInt64(max(0, amount.nanoseconds)))
            return true
        } catch {
            return false
        }
    }
}
