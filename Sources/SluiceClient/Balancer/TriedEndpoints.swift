/// The endpoints a call already tried, by index, so a retry or hedge goes elsewhere. A value of 48 bytes with
/// no allocation: a bit per index below 64, and up to four indices above (a fifth replaces the oldest, which
/// a call with more attempts than that can live with).
public struct TriedEndpoints: Sendable, Equatable {
    private var low: UInt64 = 0
    private var high: (Int, Int, Int, Int) = (-1, -1, -1, -1)
    private var highCount = 0

    public static let none = TriedEndpoints()

    public init() {}

    public var isEmpty: Bool { low == 0 && highCount == 0 }

    public mutating func insert(_ index: Int) {
        if index < 64 {
            low |= 1 << UInt64(index)
            return
        }
        guard !contains(index) else { return }
        switch highCount % 4 {
        case 0: high.0 = index
        case 1: high.1 = index
        case 2: high.2 = index
        default: high.3 = index
        }
        highCount += 1
    }

    public func contains(_ index: Int) -> Bool {
        if index < 64 { return index >= 0 && low & (1 << UInt64(index)) != 0 }
        return high.0 == index || high.1 == index || high.2 == index || high.3 == index
    }

    public func inserting(_ index: Int) -> TriedEndpoints {
        var copy = self
        copy.insert(index)
        return copy
    }

    public static func == (lhs: TriedEndpoints, rhs: TriedEndpoints) -> Bool {
        lhs.low == rhs.low && lhs.highCount == rhs.highCount && lhs.high == rhs.high
    }
}
