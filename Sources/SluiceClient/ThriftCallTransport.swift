internal import NIOCore

/// How calls reach connections: the seam between ``ThriftClient`` and its connection management.
///
/// Implementations complete `promise` exactly once, with a ``ThriftReply`` or a ``ClientError``.
protocol ThriftCallTransport: Sendable {
    func send(_ call: OutboundCall, promise: EventLoopPromise<ThriftReply>)
    func shutdown() async
    /// Its open connections; nil for a transport that keeps no count.
    var connections: ConnectionGauge? { get }
}

extension ThriftCallTransport {
    var connections: ConnectionGauge? { nil }
}
