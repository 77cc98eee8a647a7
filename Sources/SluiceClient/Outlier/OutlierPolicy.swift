public import NIOCore

/// When an endpoint is taken out of rotation for failing: a service's `outlier:` setting (Envoy's outlier
/// detection, reduced to consecutive failures and a failure ratio).
public struct OutlierPolicy: Sendable, Hashable {
    /// Failed attempts in a row that eject an endpoint; default 5 (Envoy's consecutive_5xx); nil disables.
    public var consecutiveFailures: Int?
    /// Share of an endpoint's attempts in one `interval` that ejects it (0 < ratio ≤ 1); nil (the default)
    /// disables. Checked on each ``OutlierDetector/evaluate(now:)`` tick.
    public var failureRatio: Double?
    /// Attempts an endpoint needs in an interval before `failureRatio` judges it; default 50 (Envoy's
    /// failure_percentage_request_volume).
    public var minimumRequests: Int
    /// How often the cluster calls `evaluate(now:)`; default 10 s.
    public var interval: TimeAmount
    /// An ejection lasts this × the endpoint's ejection multiplier; default 30 s.
    public var baseEjection: TimeAmount
    /// Longest ejection, default 300 s (Envoy's max_ejection_time); below `baseEjection` it is `baseEjection`.
    public var maxEjection: TimeAmount
    /// Endpoints ejected at once at most, as a percentage; default 10 (Envoy's). Envoy's rule: an ejection
    /// happens only if (ejected + 1) × 100 ≤ percent × endpoints, so 3 endpoints at 50 % eject one, and fewer
    /// than 10 endpoints at 10 % eject none unless `alwaysEjectOne`.
    public var maxEjectionPercent: Int
    /// Allow one ejection whatever the percentage (Envoy's always_eject_one_host); default false.
    public var alwaysEjectOne: Bool

    public init(
        consecutiveFailures: Int? = 5,
        failureRatio: Double? = nil,
        minimumRequests: Int = 50,
        interval: TimeAmount = .seconds(10),
        baseEjection: TimeAmount = .seconds(30),
        maxEjection: TimeAmount = .seconds(300),
        maxEjectionPercent: Int = 10,
        alwaysEjectOne: Bool = false
    ) {
        self.consecutiveFailures = consecutiveFailures
        self.failureRatio = failureRatio
        self.minimumRequests = minimumRequests
        self.interval = interval
        self.baseEjection = baseEjection
        self.maxEjection = maxEjection
        self.maxEjectionPercent = maxEjectionPercent
        self.alwaysEjectOne = alwaysEjectOne
    }

    public func validate() throws(PolicyError) {
        if let consecutiveFailures, consecutiveFailures < 1 {
            throw PolicyError(field: "outlier.consecutive_failures", "must be at least 1, not \(consecutiveFailures)")
        }
        if let failureRatio, !(failureRatio.isFinite && failureRatio > 0 && failureRatio <= 1) {
            throw PolicyError(field: "outlier.failure_ratio", "must be above 0 and at most 1, not \(failureRatio)")
        }
        guard minimumRequests >= 1 else {
            throw PolicyError(field: "outlier.minimum_requests", "must be at least 1, not \(minimumRequests)")
        }
        guard interval > .zero else { throw PolicyError(field: "outlier.interval", "must be positive") }
        guard baseEjection > .zero else { throw PolicyError(field: "outlier.base_ejection", "must be positive") }
        guard maxEjection > .zero else { throw PolicyError(field: "outlier.max_ejection", "must be positive") }
        guard (0...100).contains(maxEjectionPercent) else {
            throw PolicyError(
                field: "outlier.max_ejection_percent", "must be between 0 and 100, not \(maxEjectionPercent)")
        }
    }
}
