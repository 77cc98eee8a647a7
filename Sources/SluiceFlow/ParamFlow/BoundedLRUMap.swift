/// A map from parameter values to per-value state that holds at most `capacity` values, dropping the least
/// recently used (Sentinel's `ConcurrentLinkedHashMap` caches in `ParameterMetric`): a client that sends
/// millions of distinct values costs `capacity` entries, not millions.
///
/// Entries live in flat arrays linked by index (no node objects), reused in place on eviction.
public struct BoundedLRUMap<Value> {
    fileprivate struct Entry {
        var key: String
        var value: Value
        var newer: Int32
        var older: Int32
    }

    public let capacity: Int
    private var index: [String: Int32] = [:]
    private var entries: [Entry] = []
    /// Most and least recently used, or -1 when empty.
    private var newest: Int32 = -1
    private var oldest: Int32 = -1

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    public var count: Int { index.count }

    /// Runs `body` on the value of `key`, creating it with `make` when absent (evicting the least recently
    /// used value when full), and marks `key` the most recently used.
    public mutating func withValue<Result>(
        for key: String, make: () -> Value, _ body: (inout Value, _ isNew: Bool) -> Result
    ) -> Result {
        if let slot = index[key] {
            touch(slot)
            return body(&entries[Int(slot)].value, false)
        }
        let slot: Int32
        if entries.count < capacity {
            slot = Int32(entries.count)
            entries.append(Entry(key: key, value: make(), newer: -1, older: -1))
        } else {
            slot = oldest
            unlink(slot)
            index[entries[Int(slot)].key] = nil
            entries[Int(slot)].key = key
            entries[Int(slot)].value = make()
        }
        index[key] = slot
        pushNewest(slot)
        return body(&entries[Int(slot)].value, true)
    }

    /// Runs `body` on the value of `key` if present, without creating one.
    public mutating func withExistingValue<Result>(for key: String, _ body: (inout Value) -> Result) -> Result? {
        guard let slot = index[key] else { return nil }
        touch(slot)
        return body(&entries[Int(slot)].value)
    }

    private mutating func touch(_ slot: Int32) {
        guard slot != newest else { return }
        unlink(slot)
        pushNewest(slot)
    }

    private mutating func unlink(_ slot: Int32) {
        let entry = entries[Int(slot)]
        if entry.newer >= 0 { entries[Int(entry.newer)].older = entry.older } else { newest = entry.older }
        if entry.older >= 0 { entries[Int(entry.older)].newer = entry.newer } else { oldest = entry.newer }
    }

    private mutating func pushNewest(_ slot: Int32) {
        entries[Int(slot)].older = newest
        entries[Int(slot)].newer = -1
        if newest >= 0 { entries[Int(newest)].newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }
}

extension BoundedLRUMap: Sendable where Value: Sendable {}
extension BoundedLRUMap.Entry: Sendable where Value: Sendable {}
