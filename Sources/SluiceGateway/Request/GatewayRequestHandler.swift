public import NIOCore

/// What a protocol adapter hands each complete request to. The adapter knows the protocol; the handler
/// never does.
public protocol GatewayRequestHandler: Sendable {
    /// Called on `eventLoop`; must call `responder` exactly once, on the same loop.
    func handle<Responder: GatewayResponder>(
        _ request: GatewayRequest,
        on eventLoop: any EventLoop,
        allocator: ByteBufferAllocator,
        responder: Responder
    )
}
