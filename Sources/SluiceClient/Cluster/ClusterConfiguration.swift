public import NIOCore
package import Logging

/// How one service's calls are spread over its endpoints and what happens when an attempt fails: the
/// per-service resilience keys of a route file (`endpoints` with weights or `discovery`, `balancer`, `retry`,
/// `hedge`, `outlier`, `health_check`, `slow_start`), as the values the cluster composes. The defaults are
/// what a service without these keys gets: its endpoints by p2c, one attempt, no hedging, no ejection, no
/// active health checks.
public struct ClusterConfiguration: Sendable, Hashable {
    /// Where endpoints come from besides the static list.
    public enum Discovery: Sendable, Hashable {
        /// A host name re-resolved (A and AAAA) every `interval`.
        case dns(DNSDiscoveryConfiguration)
        /// Kitex's registry-etcd layout under `kitex/registry-etcd/<service>/`.
        case etcd(EtcdDiscoveryConfiguration)
    }

    /// The static endpoints and their weights (`endpoints:`); empty when `discovery` is set.
    public var endpoints: [WeightedEndpoint]
    public var discovery: Discovery?
    /// `balancer:`, and `slow_start:` as its `slowStart`.
    public var balancer: BalancerConfiguration
    /// `retry:`; nil is one attempt.
    public var retry: RetryPolicy?
    /// `hedge:`; nil sends no backup request.
    public var hedge: HedgePolicy?
    /// `outlier:`; nil ejects no endpoint.
    public var outlier: OutlierPolicy?
    /// `health_check:`; nil probes nothing (passive ejection only).
    public var healthCheck: HealthCheckPolicy?

    public init(
        endpoints: [WeightedEndpoint], discovery: Discovery? = nil, balancer: BalancerConfiguration = BalancerConfiguration(),
        retry: RetryPolicy? = nil, hedge: HedgePolicy? = nil, outlier: OutlierPolicy? = nil,
        healthCheck: HealthCheckPolicy? = nil
    ) {
        self.endpoints = endpoints
        self.discovery = discovery
        self.balancer = balancer
        self.retry = retry
        self.hedge = hedge
        self.outlier = outlier
        self.healthCheck = healthCheck
    }
}

/// What a route may override of its service's call policy (`timeout`, `retry`, `hedge` on the route); nil
/// keeps the service's.
public struct CallPolicyOverride: Sendable, Hashable {
    public var timeout: TimeAmount?
    public var retry: RetryPolicy?
    public var hedge: HedgePolicy?

    public init(timeout: TimeAmount? = nil, retry: RetryPolicy? = nil, hedge: HedgePolicy? = nil) {
        self.timeout = timeout
        self.retry = retry
        self.hedge = hedge
    }

    public var isEmpty: Bool { timeout == nil && retry == nil && hedge == nil }
}

extension ClusterConfiguration.Discovery {
    /// The source that watches this discovery setting, for a client to start.
    package func makeSource(group: any EventLoopGroup, logger: Logger) -> any EndpointSource {
        switch self {
        case .dns(let configuration): DNSEndpointSource(configuration: configuration, logger: logger)
        case .etcd(let configuration): EtcdEndpointSource(configuration: configuration, group: group, logger: logger)
        }
    }
}
