internal import Foundation

/// What the watched files look like now: for each regular file under the watched places, its size, change time
/// and inode. Two fingerprints differ when any file was written, replaced (an editor's rename), added or removed.
///
/// Polling rather than inotify: it sees files replaced by rename, directories created later and network or
/// container mounts alike, with no descriptor per directory, and at twice a second over the few dozen files a
/// gateway reads it costs nothing measurable.
struct FileFingerprint: Sendable, Equatable {
    struct Stamp: Sendable, Equatable {
        var size: UInt64
        var modified: Double
        var inode: UInt64
    }

    /// A gateway's files are a few dozen; past this many the rest are not watched (a routes directory pointed
    /// at a large tree by mistake must not turn the watcher into a disk scan).
    static let maxFiles = 10_000

    private(set) var stamps: [String: Stamp] = [:]

    /// `directories` are walked whole (the routes directory); `files` and the files directly in `shallow`
    /// directories (those holding IDLs and rules) are looked at one by one.
    init(directories: [String], shallow: [String], files: [String]) {
        let manager = FileManager.default
        for directory in directories {
            guard let walker = manager.enumerator(atPath: directory) else { continue }
            while let relative = walker.nextObject() as? String, stamps.count < Self.maxFiles {
                add((directory as NSString).appendingPathComponent(relative))
            }
        }
        for directory in shallow {
            for name in (try? manager.contentsOfDirectory(atPath: directory)) ?? [] where stamps.count < Self.maxFiles {
                add((directory as NSString).appendingPathComponent(name))
            }
        }
        for file in files { add(file) }
    }

    private mutating func add(_ path: String) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            attributes[.type] as? FileAttributeType == .typeRegular
        else { return }
        stamps[path] = Stamp(
            size: (attributes[.size] as? NSNumber)?.uint64Value ?? 0,
            modified: (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0,
            inode: (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0)
    }
}
