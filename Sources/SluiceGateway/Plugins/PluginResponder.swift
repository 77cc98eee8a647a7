internal import NIOCore

/// Puts what a route's plugins do to every answer (the envelope, CORS fields, response header edits) on it on
/// its way out.
struct PluginResponder<Inner: GatewayResponder>: GatewayResponder {
    let inner: Inner
    let pass: PluginPass
    let allocator: ByteBufferAllocator

    func respond(_ response: GatewayResponse) {
        inner.respond(pass.finish(response, allocator: allocator))
    }
}
