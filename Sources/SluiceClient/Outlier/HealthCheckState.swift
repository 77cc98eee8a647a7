/// One endpoint's standing under active health checks, with hysteresis: `unhealthyThreshold` failed probes
/// in a row take it down, `healthyThreshold` passed probes in a row bring it back, and a single probe either
/// way changes nothing. Starts up, so a new endpoint takes traffic before its first probe.
///
/// Off the request path: the prober (one per service, not per loop, so each endpoint is probed once per
/// interval) owns these and sends transitions to every loop's balancer.
public struct HealthCheckState: Sendable, Hashable {
    public enum Transition: Sendable, Hashable {
        case markedDown
        case markedUp
    }

    public private(set) var isHealthy = true
    /// Probes in a row that disagree with `isHealthy`.
    public private(set) var streak = 0

    public init() {}

    /// A probe ended (a timeout is a failure); returns the transition it caused, if any.
    public mutating func record(passed: Bool, policy: HealthCheckPolicy) -> Transition? {
        guard passed != isHealthy else {
            streak = 0
            return nil
        }
        streak += 1
        guard streak >= (isHealthy ? policy.unhealthyThreshold : policy.healthyThreshold) else { return nil }
        isHealthy = passed
        streak = 0
        return passed ? .markedUp : .markedDown
    }
}
