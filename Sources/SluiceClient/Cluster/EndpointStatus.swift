/// One endpoint of a service as operators see it (the admin API's `/admin/services`, `/readyz`).
public struct EndpointStatus: Sendable, Equatable {
    public let endpoint: Endpoint
    public let weight: Int
    /// Attempts in flight on it, from every event loop.
    public let inFlight: Int
    /// The health checks' verdict; nil when the service has no `health_check`.
    public let healthy: Bool?
    /// How many event loops' outlier detectors hold it ejected (ejection is per loop, as Envoy's is per
    /// worker), of `loops`.
    public let ejectedOn: Int
    public let loops: Int
    /// Removed by discovery, still finishing its attempts.
    public let draining: Bool

    public init(endpoint: Endpoint, weight: Int, inFlight: Int, healthy: Bool?, ejectedOn: Int, loops: Int, draining: Bool = false) {
        self.endpoint = endpoint
        self.weight = weight
        self.inFlight = inFlight
        self.healthy = healthy
        self.ejectedOn = ejectedOn
        self.loops = loops
        self.draining = draining
    }

    /// Whether some event loop may still pick it.
    public var isUsable: Bool { !draining && healthy != false && ejectedOn < loops }
}
