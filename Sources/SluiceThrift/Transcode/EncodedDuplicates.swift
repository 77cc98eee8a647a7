/// The set elements or map keys written so far, as ranges of the encoded output, to find one written twice.
///
/// Comparing encoded bytes catches every pair of JSON spellings that convert to the same Thrift value
/// (`"1"` and `"01"` as i32 keys, `"a"` and `"\u0061"`), whatever the type, without a decoded copy.
/// Up to `linearLimit` entries are compared one by one; beyond that an open-addressing table keeps the check
/// linear. Hashes come from `Hasher`, seeded per process, so crafted input cannot make every entry collide.
struct EncodedDuplicates {
    struct Entry {
        var range: Range<Int>
        var hash: Int
        /// Where the element came from, for the error: a JSON byte offset or an element index.
        var origin: Int
    }

    private var entries: [Entry] = []
    /// Indices into `entries` plus one (0 = empty); a power of two in size, at most half full. Empty until
    /// there are more than `linearLimit` entries.
    private var slots: [Int] = []
    private static let linearLimit = 8

    var count: Int { entries.count }

    /// Records the element encoded at `range` of `bytes`; returns the origin of an earlier, byte-equal one.
    mutating func insert(_ range: Range<Int>, origin: Int, in bytes: UnsafeRawBufferPointer) -> Int? {
        let element = UnsafeRawBufferPointer(rebasing: bytes[range])
        var hasher = Hasher()
        hasher.combine(bytes: element)
        let hash = hasher.finalize()
        if slots.isEmpty {
            for entry in entries where entry.hash == hash && Self.equal(entry, element, bytes) {
                return entry.origin
            }
            entries.append(Entry(range: range, hash: hash, origin: origin))
            if entries.count > Self.linearLimit { rebuild(capacity: 4 * entries.count) }
            return nil
        }
        let mask = slots.count - 1
        var slot = hash & mask
        while slots[slot] != 0 {
            let entry = entries[slots[slot] - 1]
            if entry.hash == hash && Self.equal(entry, element, bytes) { return entry.origin }
            slot = (slot + 1) & mask
        }
        entries.append(Entry(range: range, hash: hash, origin: origin))
        slots[slot] = entries.count
        if 2 * entries.count > slots.count { rebuild(capacity: 2 * slots.count) }
        return nil
    }

    private static func equal(_ entry: Entry, _ element: UnsafeRawBufferPointer, _ bytes: UnsafeRawBufferPointer) -> Bool {
        entry.range.count == element.count && UnsafeRawBufferPointer(rebasing: bytes[entry.range]).elementsEqual(element)
    }

    /// `capacity` is a power of two.
    private mutating func rebuild(capacity: Int) {
        var size = 16
        while size < capacity { size *= 2 }
        slots = Array(repeating: 0, count: size)
        let mask = size - 1
        for (index, entry) in entries.enumerated() {
            var slot = entry.hash & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = index + 1
        }
    }
}
