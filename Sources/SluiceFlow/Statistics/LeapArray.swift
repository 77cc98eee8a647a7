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
    public let sampleCount: Int
    public let intervalMillis: Int64
    public let windowLengthMillis: Int64
    /// Each slot's window start; `unused` while the slot was never used (not an optional: the slot is
    /// checked on every event, and a plain integer compares in one instruction).
    private var starts: [Int64]
    private var buckets: [Bucket]
    /// The window the last event landed in, and its slot: while time stays in it (thousands of events a
    /// window at load), an event skips the divisions that find its slot.
    private var cachedStart: Int64 = 0
    private var cachedEnd: Int64 = 0
    private var cachedIndex = 0

    /// `intervalMillis` must be a positive multiple of `sampleCount` (Sentinel asserts the same).
    public init(sampleCount: Int, intervalMillis: Int64) {
        precondition(sampleCount > 0 && intervalMillis > 0 && intervalMillis % Int64(sampleCount) == 0)
        self.sampleCount = sampleCount
        self.intervalMillis = intervalMillis
        self.windowLengthMillis = intervalMillis / Int64(sampleCount)
        self.starts = Array(repeating: Self.unused, count: sampleCount)
        self.buckets = (0..<sampleCount).map { _ in Bucket() }
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
        if time >= cachedStart && time < cachedEnd { return body(&buckets[cachedIndex]) }
        let index = slot(of: time)
        let start = windowStart(of: time)
        let current = starts[index]
        if current != start {
            if current > start {
                var throwaway = Bucket()
                return body(&throwaway)
            }
            starts[index] = start
            buckets[index].reset()
        }
        cachedStart = start
        cachedEnd = start + windowLengthMillis
        cachedIndex = index
        return body(&buckets[index])
    }

    /// Whether a window starting at `start` is older than the interval at `time`.
    public func isDeprecated(start: Int64, at time: Int64) -> Bool {
        time - start > intervalMillis
    }

    /// Calls `body` with each bucket within the interval at `time` (Sentinel's `values(time)`), oldest slot
    /// first; call ``withBucket(at:_:)`` before, as Sentinel's reads refresh the current window first.
    public func forEachValid(at time: Int64, _ body: (_ start: Int64, _ bucket: Bucket) -> Void) {
        for index in 0..<sampleCount {
            let start = starts[index]
            guard start != Self.unused, !isDeprecated(start: start, at: time) else { continue }
            body(start, buckets[index])
        }
    }

    /// The bucket of the window before the one holding `time`, when it is still the one in its slot
    /// (Sentinel's `getPreviousWindow`).
    public func previous(at time: Int64) -> Bucket? {
        let earlier = time - windowLengthMillis
        guard earlier >= 0 else { return nil }
        let index = slot(of: earlier)
        let start = starts[index]
        guard start != Self.unused, !isDeprecated(start: start, at: time), start + windowLengthMillis >= earlier
        else { return nil }
        return buckets[index]
    }
}

extension LeapArray: Sendable where Bucket: Sendable {}
