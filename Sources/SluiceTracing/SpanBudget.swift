/// How many spans may still be recorded in the current second: a fixed window, reset when a new second starts.
/// A pure value with the time passed in, so it is tested without a clock.
struct SpanBudget: Sendable, Equatable {
    let perSecond: Int
    private var second: Int64 = .min
    private var used = 0

    init(perSecond: Int) { self.perSecond = perSecond }

    /// Takes one span of `second`'s budget; false when it is spent.
    mutating func take(second now: Int64) -> Bool {
        if now != second {
            second = now
            used = 0
        }
        guard used < perSecond else { return false }
        used += 1
        return true
    }
}
