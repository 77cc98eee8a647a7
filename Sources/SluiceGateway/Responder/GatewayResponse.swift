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

    public init(status: Int, headers: [(name: String, value: String)] = [], body: ByteBuffer?, contentType: String? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.contentType = contentType
    }
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
