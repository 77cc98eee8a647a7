/// Which fields of one struct were written, by index in the descriptor: one word for up to 64 fields,
/// so the common case never touches the heap.
struct FieldBitSet {
    private var low: UInt64 = 0
    private var high: [UInt64] = []
    private(set) var count = 0

    @inline(__always)
    func contains(_ index: Int) -> Bool {
        if index < 64 { return low & (1 << UInt64(index)) != 0 }
        let word = index / 64 - 1
        return word < high.count && high[word] & (1 << UInt64(index % 64)) != 0
    }

    @inline(__always)
    mutating func insert(_ index: Int) {
        guard !contains(index) else { return }
        count += 1
        if index < 64 {
            low |= 1 << UInt64(index)
            return
        }
        let word = index / 64 - 1
        while high.count <= word { high.append(0) }
        high[word] |= 1 << UInt64(index % 64)
    }
}
