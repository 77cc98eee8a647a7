internal import NIOCore

/// How calls reach connections: the seam between ``ThriftClient`` and its connection management.
///
/// Implementations complete `promise` exactly once, with a ``ThriftReply`` or a ``ClientError``.
protocol ThriftCallTransport: Sendable {
    func send(_ call: OutboundCall, promise: EventLoopPromise<ThriftReply>)
    func shutdown() async
}
