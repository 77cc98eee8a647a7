internal import NIOCore

/// What a cluster needs of the protocol that carries its calls, and nothing more: how one endpoint's transport
/// sends an attempt and shuts down, which parts of a call an attempt changes (its timeout, its cancellation),
/// and which replies are still failed attempts. The attempt logic (``ClusterCall``: pick, retries, budget,
/// backoff, hedging, per-try timeout, outcomes, drain) is written once over it.
///
/// A caseless type per protocol rather than a protocol on the transport: Thrift's endpoint transport stays
/// the `any ThriftCallTransport` it always was (no wrapper per endpoint), and every `Wire` call is a static
/// function the module specialises, so the generic cluster costs Thrift no box and no allocation per call.
protocol ClusterWire: Sendable {
    /// One endpoint's transport.
    associatedtype Transport: Sendable
    /// A call as the caller made it; each attempt is a copy with its own timeout.
    associatedtype Call: Sendable
    associatedtype Reply: Sendable

    /// Sends one attempt; completes `promise` exactly once, with a reply or a ``ClientError``.
    static func send(_ call: Call, on transport: Transport, promise: EventLoopPromise<Reply>)
    static func shutdown(_ transport: Transport) async

    /// The whole call's timeout, all attempts together.
    static func timeout(of call: Call) -> TimeAmount
    static func cancellation(of call: Call) -> CallCancellation?
    /// Whether the call may be sent again after a failed attempt.
    static func mayRetry(_ call: Call) -> Bool
    /// Whether a call that may not be sent again may be, after an attempt that sent nothing (its retry policy
    /// then applies as if `idempotent: false`).
    static func mayRetryUnsent(_ call: Call) -> Bool
    /// Whether the call may be sent twice at once (a Thrift oneway call has no answer to wait for).
    static func mayHedge(_ call: Call) -> Bool

    /// One attempt of `call`: it ends at `deadline`, `timeout` from now, which is what the backend is told;
    /// a non-nil `cancellation` replaces the caller's (hedged attempts are cancelled one by one).
    static func attempt(
        of call: Call, deadline: NIODeadline, timeout: TimeAmount, cancellation: CallCancellation?
    ) -> Call

    /// A reply that is still a failed attempt (a gRPC status other than OK), for retries and outcomes; nil
    /// when the reply is a success.
    static func failure(of reply: Reply) -> AttemptFailure?
    /// Records on `reply` the endpoint that sent it and how many attempts the call had made, for access logs.
    static func note(_ reply: inout Reply, endpoint: String, attempts: Int)
    /// The transport's open connections, for operators; nil when it keeps no count.
    static func connections(of transport: Transport) -> Int?
}

extension ClusterWire {
    static func mayRetryUnsent(_ call: Call) -> Bool { false }
    static func note(_ reply: inout Reply, endpoint: String, attempts: Int) {}
    static func connections(of transport: Transport) -> Int? { nil }
}

/// Thrift calls: a reply is an answer (a declared exception included), and only oneway calls are not hedged.
enum ThriftWire: ClusterWire {
    typealias Transport = any ThriftCallTransport

    @inline(__always)
    static func send(_ call: OutboundCall, on transport: any ThriftCallTransport, promise: EventLoopPromise<ThriftReply>) {
        transport.send(call, promise: promise)
    }

    static func shutdown(_ transport: any ThriftCallTransport) async { await transport.shutdown() }

    @inline(__always) static func timeout(of call: OutboundCall) -> TimeAmount { call.timeout }
    @inline(__always) static func cancellation(of call: OutboundCall) -> CallCancellation? { call.cancellation }
    @inline(__always) static func mayRetry(_ call: OutboundCall) -> Bool { true }
    @inline(__always) static func mayHedge(_ call: OutboundCall) -> Bool { !call.oneway }

    @inline(__always)
    static func attempt(
        of call: OutboundCall, deadline: NIODeadline, timeout: TimeAmount, cancellation: CallCancellation?
    ) -> OutboundCall {
        var attempt = call
        attempt.deadline = deadline
        attempt.timeout = timeout
        if let cancellation { attempt.cancellation = cancellation }
        return attempt
    }

    @inline(__always) static func failure(of reply: ThriftReply) -> AttemptFailure? { nil }

    static func note(_ reply: inout ThriftReply, endpoint: String, attempts: Int) {
        reply.endpoint = endpoint
        reply.attempts = attempts
    }

    static func connections(of transport: any ThriftCallTransport) -> Int? { transport.connections?.value }
}

/// The Thrift cluster's types under the names they had before the cluster was generic.
typealias ServiceCluster = EndpointCluster<ThriftWire>
typealias ClusterMembers = ClusterMemberSet<ThriftWire>
typealias EndpointHandle = ClusterEndpoint<ThriftWire>
