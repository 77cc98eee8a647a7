/// One bucket of a sliding window: what it counts, zeroed when its slot is reused for a newer window.
public protocol WindowBucket {
    init()
    mutating func reset()
}

/// Sentinel's LeapArray as a value: `sampleCount` buckets of `intervalMillis / sampleCount` each, a slot per
/// bucket reused as time moves on (a slot's bucket is reset when a newer window lands on it). Reads see the
/// buckets of the last `intervalMillis`.
///
/// Not synchronised: the statistics that own one decide how it is shared.
public struct LeapArray<Bucket: WindowBucket> {
    /// A slot: the start of the window its bucket counts, `unused` while never used (not an optional: it is
    /// compared on every event). One array, so an event checks one buffer's uniqueness, not two.
    fileprivate struct Slot {
        var start: Int64
        var bucket: Bucket
    }

    // What an event reads comes first, so it shares a cache line with what the owner keeps before it.
    private var slots: [Slot]
    /// The window the last event landed in, and its slot: while time stays in it (thousands of events a
    /// window at load), an event skips the divisions that find its slot.
    private var cachedStart: Int64 = 0
    private var cachedEnd: Int64 = 0
    private var cachedIndex = 0
    public let sampleCount: Int
    public let intervalMillis: Int64
    public let windowLengthMillis: Int64

    /// `intervalMillis` must be a positive multiple of `sampleCount` (Sentinel asserts the same).
    public init(sampleCount: Int, intervalMillis: Int64) {
        precondition(sampleCount > 0 && intervalMillis > 0 && intervalMillis % Int64(sampleCount) == 0)
        self.sampleCount = sampleCount
        self.intervalMillis = intervalMillis
        self.windowLengthMillis = intervalMillis / Int64(sampleCount)
        self.slots = (0..<sampleCount).map { _ in Slot(start: Self.unused, bucket: Bucket()) }
    }

    private static var unused: Int64 { .min }

    /// Where the window holding `time` starts.
    public func windowStart(of time: Int64) -> Int64 {
        time - time % windowLengthMillis
    }

    private func slot(of time: Int64) -> Int {
        Int((time / windowLengthMillis) % Int64(sampleCount))
    }

    /// Runs `body` on the bucket of the window holding `time` (Sentinel's `currentWindow`): the slot's bucket
    /// as it is when it already holds that window, reset when it holds an older one. A time older than the
    /// slot's window (a clock that went back) gets a throwaway bucket, as in Sentinel.
    public mutating func withBucket<Result>(at time: Int64, _ body: (inout Bucket) -> Result) -> Result {
        var rolled: Rolled?
        return withBucket(at: time, rolled: &rolled, body)
    }

    /// A bucket a newer window pushed out of its slot, with the start of the window it counted.
    public struct Rolled {
        public let start: Int64
        public let bucket: Bucket
    }

    /// ``withBucket(at:_:)``, setting `rolled` to the bucket the call pushed out of its slot, if any (an
    /// owner that keeps a coarser window fills it from the buckets this one lets go of).
    public mutating func withBucket<Result>(at time: Int64, rolled: inout Rolled?, _ body: (inout Bucket) -> Result) -> Result {
        if time >= cachedStart && time < cachedEnd { return body(&slots[cachedIndex].bucket) }
        let index = slot(of: time)
        let start = windowStart(of: time)
        let current = slots[index].start
        if current != start {
            if current > start {
                var throwaway = Bucket()
                return body(&throwaway)
            }
            if current != Self.unused { rolled = Rolled(start: current, bucket: slots[index].bucket) }
            slots[index].start = start
            slots[index].bucket.reset()
        }
        cachedStart = start
        cachedEnd = start + windowLengthMillis
        cachedIndex = index
        return body(&slots[index].bucket)
    }

    /// Whether a window starting at `start` is older than the interval at `time`.
    public func isDeprecated(start: Int64, at time: Int64) -> Bool {
        time - start > intervalMillis
    }

    /// Calls `body` with each bucket within the interval at `time` (Sentinel's `values(time)`), oldest slot
    /// first; call ``withBucket(at:_:)`` before, as Sentinel's reads refresh the current window first.
    public func forEachValid(at time: Int64, _ body: (_ start: Int64, _ bucket: Bucket) -> Void) {
        for slot in slots where slot.start != Self.unused && !isDeprecated(start: slot.start, at: time) {
            body(slot.start, slot.bucket)
        }
    }

    /// Calls `body` with every slot in use, however old its window.
    public func forEachUsed(_ body: (_ start: Int64, _ bucket: Bucket) -> Void) {
        for slot in slots where slot.start != Self.unused { body(slot.start, slot.bucket) }
    }

    /// The bucket of the window before the one holding `time`, when it is still the one in its slot
    /// (Sentinel's `getPreviousWindow`).
    public func previous(at time: Int64) -> Bucket? {
        let earlier = time - windowLengthMillis
        guard earlier >= 0 else { return nil }
        let index = slot(of: earlier)
        let slot = slots[index]
        guard slot.start != Self.unused, !isDeprecated(start: slot.start, at: time), slot.start + windowLengthMillis >= earlier
        else { return nil }
        return slot.bucket
    }
}

extension LeapArray: Sendable where Bucket: Sendable {}
extension LeapArray.Slot: Sendable where Bucket: Sendable {}
extension LeapArray.Rolled: Sendable where Bucket: Sendable {}
