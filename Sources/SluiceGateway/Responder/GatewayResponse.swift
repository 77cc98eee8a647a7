public import NIOCore

/// A response as the gateway produces it, before a protocol adapter writes it.
public struct GatewayResponse: Sendable {
    public var status: Int
    /// Extra header fields (`allow`, ...). `content-type`, `content-length` and `server` are the adapter's job.
    public var headers: [(name: String, value: String)]
    /// JSON bytes, unless ``contentType`` says otherwise; `nil` for bodiless statuses (204, 202).
    public var body: ByteBuffer?
    /// The body's media type when it is not JSON (an `api.raw_body` reply); `nil`: `application/json`.
    public var contentType: String?
    /// A body that streams (a server-streaming call's messages), in place of ``body``: the adapter writes
    /// the head, then the stream's parts as they come, framed as ``ResponseStream/format`` says.
    var stream: ResponseStream?
    /// For the access log: the backend call behind the response (nil when none was made), and the kind of
    /// flow-control rule that refused the call.
    var upstream: UpstreamNote?
    var blockedBy: String?
    /// What failed, when the response is a failure: what an `envelope` maps to its error code.
    var failure: ResponseFailure?

    public init(status: Int, headers: [(name: String, value: String)] = [], body: ByteBuffer?, contentType: String? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.contentType = contentType
    }
}

/// The kind of failure a response carries, for the `envelope` plugin's error table.
indirect enum ResponseFailure: Sendable, Hashable {
    /// The gateway's own error (``GatewayError/Code``'s name) and its message.
    case gateway(code: String, message: String)
    /// A declared Thrift exception, by its type name.
    case exception(type: String)
    /// A non-OK gRPC status from the backend.
    case grpc(code: Int, message: String)
}

/// Which endpoint answered a call and after how many attempts; no endpoint when the service's client does not
/// say (one static endpoint: the access log names it).
struct UpstreamNote: Sendable {
    var endpoint: String?
    var attempts: Int
}

/// Where a protocol adapter receives the response to one request. Called exactly once, on the event loop
/// of the connection that carried the request.
public protocol GatewayResponder {
    func respond(_ response: GatewayResponse)
}
