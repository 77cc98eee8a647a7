internal import NIOHTTP1

/// The gateway's own answer to a gRPC request (pass-through or gRPC-Web): a trailers-only response, HTTP 200
/// with `grpc-status` and `grpc-message`, which is what gRPC clients read a status from. A JSON error with an
/// HTTP status would reach them only as a vague `UNKNOWN` or `INTERNAL`.
enum GRPCStatusAnswer {
    static let unimplemented = 12
    static let unavailable = 14
    static let deadlineExceeded = 4
    static let resourceExhausted = 8
    static let `internal` = 13
    static let unauthenticated = 16
    static let permissionDenied = 7

    /// The gRPC code standing for `error`: a timeout is `DEADLINE_EXCEEDED`, an upstream that could not be
    /// reached or failed `UNAVAILABLE` (as gRPC maps 502, 503 and 504), an oversized body `RESOURCE_EXHAUSTED`.
    /// A call flow control held back is `RESOURCE_EXHAUSTED` and one an open breaker refused `UNAVAILABLE`, the
    /// codes google/rpc/code.proto gives their 429 and 503: not `INTERNAL`, which breakers count as a failure.
    static func code(for error: GatewayError) -> Int {
        switch error.code {
        case .notImplemented, .routeNotFound: unimplemented
        case .gatewayTimeout, .requestTimeout: deadlineExceeded
        case .badGateway, .unavailable, .circuitOpen: unavailable
        case .payloadTooLarge, .flowBlocked: resourceExhausted
        case .unauthorized: unauthenticated
        case .forbidden: permissionDenied
        default: `internal`
        }
    }

    /// The header block of a trailers-only response carrying `code` and `message`.
    static func headers(code: Int, message: String, contentType: String = "application/grpc") -> HTTPHeaders {
        HTTPHeaders([
            ("content-type", contentType),
            ("grpc-status", String(code)),
            ("grpc-message", percentEncoded(message)),
        ])
    }

    static func headers(for error: GatewayError, contentType: String = "application/grpc") -> HTTPHeaders {
        headers(code: code(for: error), message: error.message, contentType: contentType)
    }

    /// `grpc-message` is percent-encoded UTF-8: bytes outside printable ASCII, and `%` itself, as `%XX`
    /// (gRPC over HTTP/2, "Responses").
    static func percentEncoded(_ message: String) -> String {
        guard message.utf8.contains(where: needsEscape) else { return message }
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(message.utf8.count + 8)
        for byte in message.utf8 {
            if needsEscape(byte) {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte > 0x7E || byte == UInt8(ascii: "%")
    }
}
