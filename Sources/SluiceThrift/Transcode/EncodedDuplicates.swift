/// The set elements or map keys written so far, as ranges of the encoded output, to find one written twice.
///
/// Comparing encoded bytes catches every pair of JSON spellings that convert to the same Thrift value
/// (`"1"` and `"01"` as i32 keys, `"a"` and `"\u0061"`), whatever the type, without a decoded copy.
/// Up to `linearLimit` entries are compared one by one, which for short containers is cheaper than hashing;
/// beyond that an open-addressing table keeps the check linear. Hashes come from `Hasher`, seeded per
/// process, so crafted input cannot make every entry collide.
struct EncodedDuplicates {
    struct Entry {
        var range: Range<Int>
        /// Where the element came from, for the error: a JSON byte offset or an element index.
        var origin: Int
        /// Set once the table is in use.
        var hash: Int = 0
    }

    private var entries: [Entry] = []
    /// Indices into `entries` plus one (0 = empty); a power of two in size, at most half full. Empty until
    /// there are more than `linearLimit` entries.
    private var slots: [Int] = []
    private static let linearLimit = 8

    var count: Int { entries.count }

    /// Records the element encoded at `range` of `bytes`; returns the origin of an earlier, byte-equal one.
    /// `bytes` must hold every range recorded before at the same indices.
    mutating func insert(_ range: Range<Int>, origin: Int, in bytes: UnsafeRawBufferPointer) -> Int? {
        let element = UnsafeRawBufferPointer(rebasing: bytes[range])
        if slots.isEmpty {
            for entry in entries where Self.equal(entry, element, bytes) {
                return entry.origin
            }
            entries.append(Entry(range: range, origin: origin))
            if entries.count > Self.linearLimit { rebuild(capacity: 4 * entries.count, bytes) }
            return nil
        }
        let hash = Self.hash(element)
        let mask = slots.count - 1
        var slot = hash & mask
        while slots[slot] != 0 {
            let entry = entries[slots[slot] - 1]
            if entry.hash == hash && Self.equal(entry, element, bytes) { return entry.origin }
            slot = (slot + 1) & mask
        }
        entries.append(Entry(range: range, origin: origin, hash: hash))
        slots[slot] = entries.count
        if 2 * entries.count > slots.count { rebuild(capacity: 2 * slots.count, bytes) }
        return nil
    }

    private static func hash(_ element: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: element)
        return hasher.finalize()
    }

    private static func equal(_ entry: Entry, _ element: UnsafeRawBufferPointer, _ bytes: UnsafeRawBufferPointer) -> Bool {
        entry.range.count == element.count && UnsafeRawBufferPointer(rebasing: bytes[entry.range]).elementsEqual(element)
    }

    /// Puts every entry into a table of at least `capacity` slots.
    private mutating func rebuild(capacity: Int, _ bytes: UnsafeRawBufferPointer) {
        // Entries recorded while the check was linear have no hash yet.
        let hashed = !slots.isEmpty
        var size = 16
        while size < capacity { size *= 2 }
        slots = Array(repeating: 0, count: size)
        let mask = size - 1
        for index in entries.indices {
            if !hashed {
                entries[index].hash = Self.hash(UnsafeRawBufferPointer(rebasing: bytes[entries[index].range]))
            }
            var slot = entries[index].hash & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = index + 1
        }
    }
}
