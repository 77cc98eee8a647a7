internal import NIOCore
internal import NIOHTTP1
internal import SluiceTracing

/// The client side of a proxied request, as ``ProxyExchange`` drives it: the HTTP/1.1 connection handler and
/// an HTTP/2 stream (``HTTP2ProxyStreamHandler``) each put the upstream's response on their own wire.
protocol ProxyClient: AnyObject {
    var allocator: ByteBufferAllocator { get }
    /// What carries the client's request, for metrics; nil for a client the dispatcher counts (a collector).
    var ingress: IngressProtocol? { get }
    /// The listener's access log; nil when it keeps none, or for a client the dispatcher logs (a collector).
    var accessLog: AccessLog? { get }
    /// The gateway's tracer; nil when tracing is off, or for a client the dispatcher traces (a collector).
    var tracer: RequestTracer? { get }
    /// Whether the client takes more bytes now (the socket, or the stream's flow-control window).
    var isWritable: Bool { get }
    /// Inside a read of the client's request parts: what they produce upstream is flushed once, when the read
    /// completes (``ProxyExchange/clientReadComplete()``), not part by part.
    var isReadingRequest: Bool { get }
    /// The request asked `Expect: 100-continue`; the upstream connection is there, so the body may come.
    func proxyContinue()
    /// The upstream's response head: `headers` without hop-by-hop fields, the body framed as `framing` says,
    /// and `connection` what an HTTP/1.1 client is told about the connection.
    func proxyResponseHead(
        status: HTTPResponseStatus, headers: HTTPHeaders, framing: ProxyResponseFraming, connection: HTTP1ResponseFraming.Connection)
    /// One chunk of the upstream's response body. The head and body are written unflushed; ``proxyFlush()``
    /// sends them when the upstream read that produced them completes.
    func proxyResponseBody(_ chunk: ByteBuffer, framing: ProxyResponseFraming)
    /// Sends what the response parts wrote: one socket write for all the parts of one upstream read.
    func proxyFlush()
    /// The upstream's response is complete; `trailers` are its chunked body's trailer fields (without
    /// hop-by-hop ones), which HTTP/2 passes on and HTTP/1.1 drops.
    func proxyResponseEnd(framing: ProxyResponseFraming, trailers: HTTPHeaders?)
    /// The gateway's own answer to `request` in place of the upstream's (nothing was sent yet).
    func proxyRespond(_ response: GatewayResponse, request: HTTPRequestHead, close: Bool)
    /// A response that is one header block ending it, status 200: gRPC's trailers-only form, which carries
    /// `grpc-status` in the only headers there are (an upstream's, or the gateway's own ``GRPCStatusAnswer``).
    func proxyTrailersOnly(_ headers: HTTPHeaders)
    /// ``ProxyExchange/wantsClientRead`` may have become true: pass on a read held back.
    func proxyResumeReading()
    /// The exchange is over; with `close`, the connection (HTTP/1.1) or stream (HTTP/2) closes once the bytes
    /// written are sent, as the request or response was left unfinished.
    func proxyFinished(close: Bool)
    /// The upstream switched protocols (its `101` is written): from now on the connection relays bytes to
    /// and from `upstream` (``ProxyTunnel``).
    func proxyTunnel(to upstream: UpstreamConnection)
}

extension ProxyClient {
    /// An HTTP/1.1 response cannot end in its head: an empty body follows.
    func proxyTrailersOnly(_ headers: HTTPHeaders) {
        var headers = headers
        headers.replaceOrAdd(name: "content-length", value: "0")
        proxyResponseHead(status: .ok, headers: headers, framing: .contentLength, connection: .keepAlive)
        proxyResponseEnd(framing: .contentLength, trailers: nil)
    }
}
