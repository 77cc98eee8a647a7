#if canImport(Glibc)
internal import Glibc
// `struct stat` comes from a header CoreFoundation's module (loaded through jwt-kit's Foundation imports) may claim
// first; naming that module keeps its fields visible under MemberImportVisibility whichever loads first.
internal import CoreFoundation
internal import Foundation
internal import NIOCore
internal import Synchronization

/// Linux inotify on the directories the configuration's files live in: the watcher looks at the files as soon as
/// something in them changes, instead of at its next poll. Directories are watched, not files, so a file an
/// editor replaces by rename is seen; a subdirectory created later is watched from the next ``watch(_:)``, which
/// the watcher calls on every wake. Events only wake the watcher: what changed is still decided by comparing
/// fingerprints, so a lost or coalesced event costs nothing but latency, and polling stays as the fallback.
final class FileEvents: Sendable {
    private struct State {
        var watched: Set<String> = []
        var pending = false
        var closed = false
        var waiter: CheckedContinuation<Void, Never>?
        /// Which wait the waiter belongs to; its timer resumes only that one.
        var ticket: UInt64 = 0
        var timer: Task<Void, Never>?
    }

    private let inotify: Int32
    /// A pipe, written to stop the reading thread, which waits on its other end and on inotify.
    private let stopper: Int32
    private let stopReader: Int32
    private let state = Mutex(State())

    /// nil where inotify is not available (the kernel's limit of instances, a seccomp filter): polling only.
    init?() {
        let inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard inotify >= 0 else { return nil }
        var pipe: [Int32] = [-1, -1]
        guard Glibc.pipe(&pipe) == 0 else {
            Glibc.close(inotify)
            return nil
        }
        for end in pipe { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        self.inotify = inotify
        self.stopReader = pipe[0]
        self.stopper = pipe[1]
        let thread = Thread { [self] in readEvents() }
        thread.name = "sluice-inotify"
        thread.start()
    }

    /// Adds watches for `directories` and every directory under them, and for `shallow` directories themselves
    /// (as many as the kernel allows; the rest are polled).
    func watch(directories: [String], shallow: [String]) {
        var wanted = Set(shallow)
        for directory in directories { Self.collect(directory, depth: 0, into: &wanted) }
        let new = state.withLock { state in
            let new = wanted.subtracting(state.watched)
            state.watched.formUnion(new)
            return new
        }
        let mask = UInt32(IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)
            | UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
        for directory in new { _ = inotify_add_watch(inotify, directory, mask) }
    }

    /// Returns when an event arrived since the last return, or after `timeout`, or once closed.
    func wait(timeout: TimeAmount) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ticket = state.withLock { state -> UInt64? in
                if state.pending || state.closed {
                    state.pending = false
                    return nil
                }
                state.ticket &+= 1
                state.waiter = continuation
                return state.ticket
            }
            guard let ticket else { return continuation.resume() }
            // Started once the waiter is stored, and cancelled by whoever resumes it first.
            let timer = Task { [self] in
                try? await Task.sleep(nanoseconds: UInt64(max(0, timeout.nanoseconds)))
                guard !Task.isCancelled else { return }
                self.state.withLock { $0.ticket == ticket ? $0.waiter.take() : nil }?.resume()
            }
            let resumed = state.withLock { state -> Bool in
                guard state.ticket == ticket, state.waiter != nil else { return true }
                state.timer = timer
                return false
            }
            if resumed { timer.cancel() }
        }
    }

    /// Takes the waiter (if any) and its timer, for the one who resumes it.
    private static func takeWaiter(_ state: inout State) -> CheckedContinuation<Void, Never>? {
        state.timer?.cancel()
        state.timer = nil
        return state.waiter.take()
    }

    func close() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.closed else { return nil }
            state.closed = true
            return Self.takeWaiter(&state)
        }
        var one: UInt8 = 1
        _ = Glibc.write(stopper, &one, 1)
        waiter?.resume()
    }

    private func readEvents() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var descriptors = [pollfd(fd: inotify, events: Int16(POLLIN), revents: 0), pollfd(fd: stopReader, events: Int16(POLLIN), revents: 0)]
        while true {
            let ready = poll(&descriptors, 2, -1)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 || descriptors[1].revents != 0 { break }
            // Drain what is queued; the events themselves are not read, only that there were some.
            while buffer.withUnsafeMutableBytes({ Glibc.read(inotify, $0.baseAddress, $0.count) }) > 0 {}
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let waiter = Self.takeWaiter(&state) else {
                    state.pending = true
                    return nil
                }
                return waiter
            }
            waiter?.resume()
        }
        Glibc.close(inotify)
        Glibc.close(stopReader)
        Glibc.close(stopper)
    }

    /// `directory` and the directories under it, as deep as ``FileFingerprint`` walks.
    private static func collect(_ directory: String, depth: Int, into set: inout Set<String>) {
        guard depth < 16, set.count < 1_000, let handle = opendir(directory) else { return }
        defer { closedir(handle) }
        set.insert(directory)
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            // Following symlinks, as the fingerprint does (a Kubernetes ConfigMap's files live under `..data`).
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { continue }
            collect(path, depth: depth + 1, into: &set)
        }
    }
}
#endif
