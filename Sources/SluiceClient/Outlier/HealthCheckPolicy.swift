public import NIOCore

/// Active health checks of a service's endpoints: a service's `health_check:` setting.
public struct HealthCheckPolicy: Sendable, Hashable {
    /// `Service.method`, as `thrift_method:` names it.
    public struct MethodName: Sendable, Hashable, CustomStringConvertible {
        public var service: String
        public var method: String

        public init(service: String, method: String) {
            self.service = service
            self.method = method
        }

        public init(parsing text: String) throws(PolicyError) {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw PolicyError(field: "health_check.thrift_method", "expected Service.method, not '\(text)'")
            }
            self.init(service: String(parts[0]), method: String(parts[1]))
        }

        public var description: String { "\(service).\(method)" }
    }

    /// Time between probes of one endpoint; default 5 s.
    public var interval: TimeAmount
    /// A probe not answered within this fails; default 1 s, at most `interval`.
    public var timeout: TimeAmount
    /// Passed probes in a row that bring a down endpoint back; default 2.
    public var healthyThreshold: Int
    /// Failed probes in a row that take an endpoint down; default 3.
    public var unhealthyThreshold: Int
    /// The method to call for Thrift services; nil probes with a TCP connect.
    public var thriftMethod: MethodName?
    /// The path an HTTP service's probe GETs (a 2xx passes); nil probes with a TCP connect.
    public var httpPath: String?

    public init(
        interval: TimeAmount = .seconds(5),
        timeout: TimeAmount = .seconds(1),
        healthyThreshold: Int = 2,
        unhealthyThreshold: Int = 3,
        thriftMethod: MethodName? = nil,
        httpPath: String? = nil
    ) {
        self.interval = interval
        self.timeout = timeout
        self.healthyThreshold = healthyThreshold
        self.unhealthyThreshold = unhealthyThreshold
        self.thriftMethod = thriftMethod
        self.httpPath = httpPath
    }

    public func validate() throws(PolicyError) {
        guard interval > .zero else { throw PolicyError(field: "health_check.interval", "must be positive") }
        guard timeout > .zero, timeout <= interval else {
            throw PolicyError(field: "health_check.timeout", "must be positive and at most the interval")
        }
        guard healthyThreshold >= 1 else {
            throw PolicyError(field: "health_check.healthy", "must be at least 1, not \(healthyThreshold)")
        }
        guard unhealthyThreshold >= 1 else {
            throw PolicyError(field: "health_check.unhealthy", "must be at least 1, not \(unhealthyThreshold)")
        }
    }
}
