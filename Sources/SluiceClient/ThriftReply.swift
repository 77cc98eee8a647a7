public import NIOCore
public import SluiceThrift

/// A backend's answer to one call.
public struct ThriftReply: Sendable {
    /// `.reply` or `.exception`; `.oneway` (with an empty body) once a oneway call has been written.
    public var messageType: ThriftMessageType
    /// Positioned at the start of the `_result` struct (REPLY) or the TApplicationException struct (EXCEPTION).
    public var body: ByteBuffer
    /// The endpoint that answered (`host:port`) when a cluster carried the call; nil on the direct path.
    public var endpoint: String?
    /// The attempts the call made, retries and hedges included.
    public var attempts = 1

    public init(messageType: ThriftMessageType, body: ByteBuffer) {
        self.messageType = messageType
        self.body = body
    }
}
