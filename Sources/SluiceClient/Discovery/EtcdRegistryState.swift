/// The endpoints under one Kitex registry prefix, as a range filled them and watch events changed them.
/// A pure value: the source owns one in its task and performs the I/O around it.
struct EtcdRegistryState: Sendable {
    /// A value that was skipped, for the log.
    struct Skipped: Sendable, Hashable, CustomStringConvertible {
        var key: String
        var reason: KitexEntryError

        var description: String { "\(key): \(reason)" }
    }

    private var entries: [[UInt8]: WeightedEndpoint] = [:]
    /// The revision of the last range or event applied; a watch resumes after it.
    private(set) var revision: Int64 = 0

    /// The current set, sorted by address; when two keys name one address, the first key's weight wins.
    var endpoints: [WeightedEndpoint] {
        WeightedEndpoint.normalized(entries.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.value))
    }

    /// Replaces everything with a range's answer; returns the values it skipped.
    mutating func replace(with range: EtcdRangeResponse) -> [Skipped] {
        entries = [:]
        revision = range.revision
        return range.keyValues.compactMap { put($0) }
    }

    /// Applies a watch result's events in order; returns the values it skipped.
    mutating func apply(_ events: [EtcdEvent], revision: Int64?) -> [Skipped] {
        var skipped: [Skipped] = []
        for event in events {
            switch event {
            case .put(let keyValue):
                if let reason = put(keyValue) { skipped.append(reason) }
            case .delete(let key):
                entries[key] = nil
            }
        }
        if let revision { self.revision = max(self.revision, revision) }
        return skipped
    }

    /// A bad value drops what its key held before: the instance it described is no longer readable.
    private mutating func put(_ keyValue: EtcdKeyValue) -> Skipped? {
        do {
            entries[keyValue.key] = try KitexRegistryEntry.parse(keyValue.value).endpoint
            return nil
        } catch {
            entries[keyValue.key] = nil
            return Skipped(key: String(decoding: keyValue.key, as: UTF8.self), reason: error)
        }
    }
}
