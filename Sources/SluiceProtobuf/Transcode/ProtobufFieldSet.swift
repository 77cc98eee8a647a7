/// Which fields (or oneofs) of one message were seen, by index: two words inline cover 128, so only
/// unusually wide messages touch the heap.
struct ProtobufFieldSet {
    private var low: UInt64 = 0
    private var high: UInt64 = 0
    private var rest: [UInt64] = []

    @inline(__always)
    func contains(_ index: Int) -> Bool {
        switch index {
        case ..<64: return low & (1 << UInt64(index)) != 0
        case ..<128: return high & (1 << UInt64(index - 64)) != 0
        default:
            let word = (index - 128) >> 6
            return word < rest.count && rest[word] & (1 << UInt64(index & 63)) != 0
        }
    }

    @inline(__always)
    mutating func insert(_ index: Int) {
        switch index {
        case ..<64: low |= 1 << UInt64(index)
        case ..<128: high |= 1 << UInt64(index - 64)
        default:
            let word = (index - 128) >> 6
            while rest.count <= word { rest.append(0) }
            rest[word] |= 1 << UInt64(index & 63)
        }
    }
}
