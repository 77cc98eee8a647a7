/// What a flow controller reads from the node a rule selected, taken in one go under the node's lock.
public struct NodeReading: Sendable, Equatable {
    public var passQps: Double
    public var previousPassQps: Double
    public var inFlight: Int64

    public init(passQps: Double = 0, previousPassQps: Double = 0, inFlight: Int64 = 0) {
        self.passQps = passQps
        self.previousPassQps = previousPassQps
        self.inFlight = inFlight
    }
}

extension NodeMetrics {
    /// `previous` false skips the minute window: only warm-up controllers read the previous second.
    public mutating func reading(at now: Int64, previous: Bool = true) -> NodeReading {
        NodeReading(
            passQps: passQps(at: now), previousPassQps: previous ? previousPassQps(at: now) : 0, inFlight: inFlight)
    }
}
