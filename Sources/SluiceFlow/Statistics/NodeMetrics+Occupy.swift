extension NodeMetrics {
    /// How long a prioritized entry must wait until a bucket leaves the window and makes room for `count` more
    /// passes under `threshold` QPS (Sentinel's `StatisticNode.tryOccupyNext`). A result of
    /// ``occupyTimeoutMillis`` or more means no room soon enough.
    public mutating func tryOccupyNext(at now: Int64, count: Int64, threshold: Double) -> Int64 {
        let interval = second.intervalMillis
        let windowLength = second.windowLengthMillis
        let maxCount = threshold * Double(interval) / 1000
        let currentBorrow = waiting(at: now)
        if Double(currentBorrow) >= maxCount { return Self.occupyTimeoutMillis }
        var earliest = now - now % windowLength + windowLength - interval
        var index: Int64 = 0
        var currentPass = Int64(passQps(at: now) * Double(interval) / 1000)
        while earliest < now {
            let wait = index * windowLength + windowLength - now % windowLength
            if wait >= Self.occupyTimeoutMillis { break }
            let windowPass = pass(inWindowHolding: earliest, at: now)
            if Double(currentPass + currentBorrow + count - windowPass) <= maxCount { return wait }
            earliest += windowLength
            currentPass -= windowPass
            index += 1
        }
        return Self.occupyTimeoutMillis
    }

    /// The passes of the bucket whose window holds `time`, 0 when its slot holds another window.
    private mutating func pass(inWindowHolding time: Int64, at now: Int64) -> Int64 {
        let start = time - time % second.windowLengthMillis
        var found: Int64 = 0
        forEachSecond(at: now) { bucketStart, bucket in
            if bucketStart == start { found = bucket.pass }
        }
        return found
    }
}
