internal import NIOCore

/// One call on its way to a connection.
struct OutboundCall: Sendable {
    var method: String
    var oneway: Bool
    /// The encoded `_args` struct body.
    var arguments: ByteBuffer
    var deadline: NIODeadline
    /// The caller's whole timeout, sent in TTHeader's RPCTimeout key.
    var timeout: TimeAmount
    /// `nil` for callers that never give up early (HTTP/1.1): nothing is registered then.
    var cancellation: CallCancellation? = nil
    /// Kitex's transient metainfo (keys without prefix, e.g. `traceparent`): TTHeader sends each as string
    /// info `RPC_TRANSIT_<key>`, THeader as an info header `<key>`; framed and buffered have nowhere to put it.
    /// Empty for almost every call, which then takes the connection's cached header.
    var metainfo: [(key: String, value: String)] = []
}

/// A connection could not take the call (it closed before the call was written); the caller may pick another.
typealias RetryHandler = @Sendable (OutboundCall, EventLoopPromise<ThriftReply>) -> Void
