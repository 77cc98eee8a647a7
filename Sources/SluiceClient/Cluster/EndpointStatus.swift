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
    /// Since the endpoint joined the set.
    public let counts: Counts
    /// Its transport's open connections; nil for a transport that keeps no count.
    public let connections: Int?

    /// Attempts sent to the endpoint since it joined the set (of them retries and hedges), and how many failed
    /// (transport failures, timeouts, failed replies such as a 5xx or a gRPC error status) or timed out.
    public struct Counts: Sendable, Equatable {
        public var attempts = 0
        public var retries = 0
        public var hedges = 0
        public var failures = 0
        public var timeouts = 0

        public init(attempts: Int = 0, retries: Int = 0, hedges: Int = 0, failures: Int = 0, timeouts: Int = 0) {
            self.attempts = attempts
            self.retries = retries
            self.hedges = hedges
            self.failures = failures
            self.timeouts = timeouts
        }

        /// Several clients' counts of one endpoint together.
        public static func + (a: Counts, b: Counts) -> Counts {
            Counts(
                attempts: a.attempts + b.attempts, retries: a.retries + b.retries, hedges: a.hedges + b.hedges,
                failures: a.failures + b.failures, timeouts: a.timeouts + b.timeouts)
        }
    }

    public init(
        endpoint: Endpoint, weight: Int, inFlight: Int, healthy: Bool?, ejectedOn: Int, loops: Int, draining: Bool = false,
        counts: Counts = Counts(), connections: Int? = nil
    ) {
        self.counts = counts
        self.connections = connections
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
