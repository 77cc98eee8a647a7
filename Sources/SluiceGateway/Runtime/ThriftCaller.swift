public import NIOCore
public import SluiceClient

/// The one client operation the gateway needs. `ThriftClient` is the real one; tests answer from memory,
/// and a retrying or balancing layer can wrap either later.
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
