public import NIOCore

/// A response as the gateway produces it, before a protocol adapter writes it.
public struct GatewayResponse: Sendable {
    public var status: Int
    /// Extra header fields (`allow`, ...). `content-type`, `content-length` and `server` are the adapter's job.
    public var headers: [(name: String, value: String)]
    /// JSON bytes; `nil` for bodiless statuses (204, 202).
    public var body: ByteBuffer?

    public init(status: Int, headers: [(name: String, value: String)] = [], body: ByteBuffer?) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Where a protocol adapter receives the response to one request. Called exactly once, on the event loop
/// of the connection that carried the request.
public protocol GatewayResponder {
    func respond(_ response: GatewayResponse)
}
