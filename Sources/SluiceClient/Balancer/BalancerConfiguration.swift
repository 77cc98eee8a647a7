public import NIOCore

/// The `balancer:` of a service in a route file.
public enum BalancerKind: String, Sendable, Hashable, CaseIterable {
    /// Each endpoint in turn, weights ignored except that weight 0 is never chosen.
    case roundRobin = "round_robin"
    /// nginx's smooth weighted round robin.
    case weightedRoundRobin = "weighted_round_robin"
    /// Power of two choices, fewer requests in flight per unit of weight wins (Envoy's least_request).
    case p2c
    /// Power of two choices over peak-EWMA latency × (in flight + 1) (Finagle's p2c-peak-ewma, APISIX's ewma).
    case ewma
    /// A ring with virtual nodes proportional to weight; a key stays on its endpoint while it is available.
    case consistentHash = "consistent_hash"
    /// Weighted random.
    case random
}

/// How a service chooses its endpoints. Defaults: `p2c`, no slow start, a 10 s EWMA decay time, 512 ring
/// points per unit of weight (nginx's 160 leaves a weight-1 endpoint's share some 4 % off; 512 keeps it
/// within about 1 % at 6 KiB per unit of weight).
public struct BalancerConfiguration: Sendable, Hashable {
    public var kind: BalancerKind
    /// A new or recovered endpoint's weight ramps from 10 % to 100 % over this window; zero turns it off.
    public var slowStart: TimeAmount
    /// The EWMA's decay time (tau): a sample this old weighs 1/e of a fresh one.
    public var ewmaDecay: TimeAmount
    /// Virtual nodes on the hash ring per unit of weight (weights divided by their greatest common divisor).
    public var ringPointsPerWeight: Int

    public static let maximumSlowStart = TimeAmount.hours(1)
    public static let maximumRingPointsPerWeight = 4096

    public init(
        kind: BalancerKind = .p2c, slowStart: TimeAmount = .zero, ewmaDecay: TimeAmount = .seconds(10),
        ringPointsPerWeight: Int = 512
    ) {
        self.kind = kind
        self.slowStart = slowStart
        self.ewmaDecay = ewmaDecay
        self.ringPointsPerWeight = ringPointsPerWeight
    }

    public func validate() throws(BalancerConfigurationError) {
        guard slowStart >= .zero, slowStart <= Self.maximumSlowStart else {
            throw BalancerConfigurationError(field: "slow_start", reason: "must be between 0 and 1h")
        }
        guard ewmaDecay > .zero else {
            throw BalancerConfigurationError(field: "ewma_decay", reason: "must be positive")
        }
        guard (1...Self.maximumRingPointsPerWeight).contains(ringPointsPerWeight) else {
            throw BalancerConfigurationError(
                field: "ring_points_per_weight", reason: "must be between 1 and \(Self.maximumRingPointsPerWeight)")
        }
    }
}

/// A balancer setting or endpoint weight that cannot be used; `field` names it as a route file spells it.
public struct BalancerConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}
