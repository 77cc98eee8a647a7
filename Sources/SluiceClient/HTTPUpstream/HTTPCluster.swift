package import Logging
package import NIOCore

/// An HTTP upstream's cluster: ``EndpointCluster`` over ``HTTPWire``, behind non-generic methods so the
/// cluster's code is specialised for HTTP attempts here, in the module that declares it, as
/// `EndpointCluster<ThriftWire>` is for Thrift calls.
package final class HTTPCluster: Sendable {
    private let cluster: EndpointCluster<HTTPWire>

    package init(
        serviceName: String, configuration: ClusterConfiguration, source: (any EndpointSource)?,
        healthProbe: HealthProbe?, group: any EventLoopGroup, logger: Logger,
        makeTransport: @escaping @Sendable (Endpoint) -> any HTTPAttemptTransport
    ) {
        cluster = EndpointCluster(
            serviceName: serviceName, configuration: configuration, source: source, healthProbe: healthProbe,
            group: group, logger: logger, makeTransport: makeTransport)
    }

    /// Sends `call`; `promise` (made on the caller's loop) ends with the reply relayed or the failure.
    package func send(
        _ call: HTTPClusterCall, policy: CallPolicyOverride?, hashKey: UInt64?, promise: EventLoopPromise<HTTPAttemptReply>
    ) {
        cluster.send(call, policy: policy, hashKey: hashKey, promise: promise)
    }

    /// Each endpoint's standing (health, ejection, attempts in flight).
    package func statuses() async -> [EndpointStatus] { await cluster.statuses() }

    /// The current endpoints' transports, for tests.
    package var transports: [any HTTPAttemptTransport] { cluster.currentHandles.map(\.transport) }

    package func shutdown() async { await cluster.shutdown() }
}
