public import NIOCore
public import SluiceThrift

/// What a ``ThriftServer`` calls for each request. Runs on the connection's event loop, so it must not block.
public protocol ThriftServiceHandler: Sendable {
    /// - Parameters:
    ///   - method: the method name from the message header.
    ///   - arguments: the `_args` struct body.
    ///   - protocol: the protocol the request is written in; the reply must use the same.
    /// - Returns: the `_result` struct body to send as REPLY; nil sends nothing (right for oneway; for a call it
    ///   leaves the caller to time out).
    /// - Throws: ``ThriftApplicationFailure`` to answer with an EXCEPTION message (a TApplicationException); any
    ///   other error is sent as INTERNAL_ERROR with the error's description.
    func handle(method: String, arguments: ByteBuffer, protocol: ThriftProtocolKind, allocator: ByteBufferAllocator)
        throws -> ByteBuffer?
}
