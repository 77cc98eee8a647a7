public import NIOCore
public import SluiceClient

/// The one client operation the gateway needs of a Thrift service. `ThriftClient` is the real one; tests
/// answer from memory, and a retrying or balancing layer can wrap either later.
public protocol ThriftCaller: AnyObject, Sendable {
    /// See `ThriftClient.call`: `arguments` is the encoded `_args` struct body; the future completes on
    /// `eventLoop` with the reply or a `ClientError`.
    func call(
        method: String,
        oneway: Bool,
        arguments: ByteBuffer,
        timeout: TimeAmount?,
        cancellation: CallCancellation?,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<ThriftReply>

    func shutdown() async
}

extension ThriftClient: ThriftCaller {}

/// The same for a gRPC service: `GRPCClient` is the real one.
public protocol GRPCCaller: AnyObject, Sendable {
    /// See `GRPCClient.call`: `message` is the encoded request; the reply carries any status, and the future
    /// fails only with a `ClientError` (no gRPC answer at all).
    func call(
        path: String,
        message: ByteBuffer,
        metadata: [(String, String)],
        timeout: TimeAmount,
        cancellation: CallCancellation?,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<GRPCReply>

    func shutdown() async
}

extension GRPCClient: GRPCCaller {}
