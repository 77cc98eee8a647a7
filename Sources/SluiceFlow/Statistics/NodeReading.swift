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

extension NodeReading {
    /// Which fields a controller reads (the others stay 0).
    public enum Fields: Sendable {
        case none
        case inFlight
        case passQps
        case passQpsAndPrevious
    }
}

extension NodeMetrics {
    public mutating func reading(at now: Int64, fields: NodeReading.Fields = .passQpsAndPrevious) -> NodeReading {
        switch fields {
        case .none: return NodeReading()
        case .inFlight: return NodeReading(inFlight: inFlight)
        case .passQps: return NodeReading(passQps: passQps(at: now), inFlight: inFlight)
        case .passQpsAndPrevious:
            return NodeReading(passQps: passQps(at: now), previousPassQps: previousPassQps(at: now), inFlight: inFlight)
        }
    }
}
