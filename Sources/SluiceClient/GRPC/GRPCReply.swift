public import NIOCore

/// How a gRPC call ended: its status (from the trailers, or a trailers-only response), the response message,
/// and the metadata the server sent, for the gateway to expose as headers.
///
/// A non-OK status is a reply, not an error: the server answered, and the gateway maps the code.
public struct GRPCReply: Sendable {
    /// `grpc-status`: 0 is OK; google/rpc/code.proto names the others (a server may send any number).
    public var statusCode: Int
    /// `grpc-message`, percent-decoded; empty when absent.
    public var statusMessage: String
    /// `grpc-status-details-bin` decoded from base64 (a serialized `google.rpc.Status`); nil when absent.
    public var statusDetails: ByteBuffer?
    /// The response message (unary calls); nil when the server sent none.
    public var message: ByteBuffer?
    /// The response HEADERS' fields, pseudo-headers left out; empty for a trailers-only response.
    public var headers: [(name: String, value: String)]
    /// The trailers' fields, `grpc-status` and `grpc-message` included.
    public var trailers: [(name: String, value: String)]
    /// The endpoint that answered (`host:port`) when a cluster carried the call; nil otherwise.
    public var endpoint: String?
    /// The attempts the call made, retries and hedges included.
    public var attempts = 1

    public init(
        statusCode: Int,
        statusMessage: String = "",
        statusDetails: ByteBuffer? = nil,
        message: ByteBuffer? = nil,
        headers: [(name: String, value: String)] = [],
        trailers: [(name: String, value: String)] = []
    ) {
        self.statusCode = statusCode
        self.statusMessage = statusMessage
        self.statusDetails = statusDetails
        self.message = message
        self.headers = headers
        self.trailers = trailers
    }

    public var isOK: Bool { statusCode == 0 }
}
