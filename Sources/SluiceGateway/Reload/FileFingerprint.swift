#if canImport(Glibc)
internal import Glibc
// `struct stat` comes from a header CoreFoundation's module (loaded through jwt-kit's Foundation imports) may claim
// first; naming that module keeps its fields visible under MemberImportVisibility whichever loads first.
internal import CoreFoundation
#elseif canImport(Darwin)
internal import Darwin
#endif

/// What the watched files look like now: for each regular file under the watched places, its size, change time
/// and inode. Two fingerprints differ when any file was written, replaced (an editor's rename), added or removed.
///
/// The source of truth for what changed, whether inotify (``FileEvents``) or a poll woke the watcher: it sees
/// files replaced by rename, directories created later and network or container mounts alike. `stat` and
/// `readdir` directly, not FileManager,
/// whose attribute dictionaries made one look at a few files cost most of a millisecond.
struct FileFingerprint: Sendable, Equatable {
    struct Stamp: Sendable, Equatable {
        var size: Int64
        var seconds: Int
        var nanoseconds: Int
        var inode: UInt64
    }

    /// A gateway's files are a few dozen; past this many the rest are not watched (a routes directory pointed
    /// at a large tree by mistake must not turn the watcher into a disk scan).
    static let maxFiles = 10_000

    private(set) var stamps: [String: Stamp] = [:]

    /// `directories` are walked whole (the routes directory); `files` and the files directly in `shallow`
    /// directories (those holding IDLs and rules) are looked at one by one.
    init(directories: [String], shallow: [String], files: [String]) {
        for directory in directories { walk(directory, recursive: true, depth: 0) }
        for directory in shallow { walk(directory, recursive: false, depth: 0) }
        for file in files { _ = add(file) }
    }

    private mutating func walk(_ directory: String, recursive: Bool, depth: Int) {
        guard depth < 16, let handle = opendir(directory) else { return }
        defer { closedir(handle) }
        while stamps.count < Self.maxFiles, let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            if add(path) == false, recursive { walk(path, recursive: true, depth: depth + 1) }
        }
    }

    /// Stamps `path` when it is a regular file (following symlinks, as the loader does); false for a
    /// directory, nil for anything else or nothing.
    @discardableResult
    private mutating func add(_ path: String) -> Bool? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            stamps[path] = Stamp(
                size: Int64(info.st_size), seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec),
                inode: UInt64(info.st_ino))
            return true
        case S_IFDIR:
            return false
        default:
            return nil
        }
    }
}
