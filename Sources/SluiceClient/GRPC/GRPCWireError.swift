/// What a gRPC response broke of the protocol (gRPC over HTTP/2), as a value tests can compare; the client turns
/// it into a ``ClientError`` naming the call and the endpoint.
enum GRPCWireError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The response HEADERS had another `:status` than 200 (nil: none at all).
    case httpStatus(String?)
    /// The response's `content-type` does not start with `application/grpc` (nil: none at all).
    case contentType(String?)
    /// A message flagged compressed, though the client offered no `grpc-accept-encoding`.
    case compressedMessage
    /// A length prefix's flag byte other than 0 or 1.
    case compressionFlag(UInt8)
    /// A message longer than the configured maximum.
    case messageTooLarge(length: Int, limit: Int)
    /// The stream ended inside a length-prefixed message, `pending` bytes of it received.
    case truncatedMessage(pending: Int)
    /// The stream ended without `grpc-status` (neither in trailers nor in a trailers-only response).
    case missingStatus
    /// `grpc-status` is not a decimal number.
    case invalidStatus(String)
    /// `grpc-status-details-bin` is not base64.
    case invalidStatusDetails
    /// A HEADERS block after the trailers, or trailers without END_STREAM.
    case unexpectedHeaders
    /// DATA after the trailers, or before the response headers.
    case unexpectedData
    /// A unary call answered with more than one message.
    case extraMessage

    var description: String {
        switch self {
        case .httpStatus(let status):
            "answered HTTP status \(status ?? "(none)") instead of 200, so it is no gRPC response"
        case .contentType(let type):
            "answered content-type \(type.map { "'\($0)'" } ?? "(none)"), not application/grpc"
        case .compressedMessage:
            "sent a compressed message, though the client accepts no grpc-encoding"
        case .compressionFlag(let flag):
            "sent a message with compressed-flag \(flag) (only 0 and 1 exist)"
        case .messageTooLarge(let length, let limit):
            "sent a \(length)-byte message, over the \(limit)-byte limit"
        case .truncatedMessage(let pending):
            "ended the stream inside a message (\(pending) bytes of it received)"
        case .missingStatus:
            "ended the call without a grpc-status"
        case .invalidStatus(let text):
            "sent grpc-status '\(text)', which is not a number"
        case .invalidStatusDetails:
            "sent a grpc-status-details-bin that is not base64"
        case .unexpectedHeaders:
            "sent a HEADERS frame where none may come (after the trailers, or trailers without END_STREAM)"
        case .unexpectedData:
            "sent DATA where none may come (before the response headers, or after the trailers)"
        case .extraMessage:
            "answered a unary call with more than one message"
        }
    }
}
