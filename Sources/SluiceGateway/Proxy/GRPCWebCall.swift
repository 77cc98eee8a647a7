internal import NIOCore
internal import NIOHTTP1

/// One gRPC-Web call translated to gRPC on its way through (as Envoy's `grpc_web` filter does): the request
/// goes upstream as `application/grpc` with `te: trailers`, its `-text` body base64-decoded; the response's
/// messages come back as they are and its trailers as a final trailer frame (``GRPCWebTrailers``) in the
/// body, all base64-encoded in text mode. A trailers-only upstream response becomes its headers plus that
/// frame. A value the exchange holds: the translation does no I/O.
struct GRPCWebCall {
    enum Mode: Sendable, Hashable {
        /// `application/grpc-web`, `application/grpc-web+proto`.
        case binary
        /// `application/grpc-web-text`, `application/grpc-web-text+proto`: the body is base64.
        case text

        /// The mode `contentType` asks for; nil when it is not gRPC-Web.
        init?(contentType: String) {
            let lowered = contentType.lowercased()
            if Self.matches(lowered, "application/grpc-web-text") {
                self = .text
            } else if Self.matches(lowered, "application/grpc-web") {
                self = .binary
            } else {
                return nil
            }
        }

        /// `type` itself, or with a `+codec` suffix or parameters.
        private static func matches(_ contentType: String, _ type: String) -> Bool {
            guard contentType.hasPrefix(type) else { return false }
            guard let next = contentType.utf8.dropFirst(type.utf8.count).first else { return true }
            return next == UInt8(ascii: "+") || next == UInt8(ascii: ";")
        }
    }

    let mode: Mode
    private var decoder = GRPCWebText.Decoder()
    private var encoder = GRPCWebText.Encoder()
    /// A trailers-only response's status fields, written as the trailer frame at the end.
    private var headTrailers: HTTPHeaders?

    init(mode: Mode) { self.mode = mode }

    /// What the client is answered in: the messages' codec is protobuf.
    var responseContentType: String { mode == .text ? "application/grpc-web-text+proto" : "application/grpc-web+proto" }

    /// The fields sent upstream for a request with `headers` (already without hop-by-hop ones).
    func upstreamHeaders(_ headers: HTTPHeaders) -> HTTPHeaders {
        var headers = headers
        let codec = headers.first(name: "content-type").flatMap { type in type.firstIndex(of: "+").map { String(type[$0...]) } } ?? ""
        headers.replaceOrAdd(name: "content-type", value: "application/grpc" + codec)
        headers.replaceOrAdd(name: "te", value: "trailers")
        // Decoding changes the length; HTTP/2 frames the body itself.
        if mode == .text { headers.remove(name: "content-length") }
        return headers
    }

    /// The bytes a request body chunk stands for; nil when a text body is not base64.
    mutating func requestBody(_ chunk: ByteBuffer) -> ByteBuffer? {
        mode == .text ? decoder.decode(chunk) : chunk
    }

    /// Whether the request body ended on a whole base64 group (always, in binary mode).
    var requestComplete: Bool { decoder.isComplete }

    /// The response head's fields for the client. `grpc-status` among them makes the response trailers-only:
    /// its fields (the call's trailers) are repeated in the trailer frame, where gRPC-Web clients look.
    mutating func responseHead(_ headers: HTTPHeaders) -> HTTPHeaders {
        var headers = headers
        headers.replaceOrAdd(name: "content-type", value: responseContentType)
        headers.remove(name: "content-length")
        if headers.contains(name: "grpc-status") {
            headTrailers = HTTPHeaders(headers.filter { !$0.name.equalsIgnoringASCIICase("content-type") }.map { ($0.name, $0.value) })
        }
        return headers
    }

    /// A response body chunk as the client gets it.
    mutating func responseBody(_ chunk: ByteBuffer) -> ByteBuffer {
        guard mode == .text else { return chunk }
        var output = ByteBuffer()
        encoder.encode(chunk, into: &output)
        return output
    }

    /// The end of the body: the trailer frame for the upstream's `trailers` (or a trailers-only response's
    /// status fields), and in text mode the rest of the encoding.
    mutating func responseEnd(trailers: HTTPHeaders?) -> ByteBuffer {
        var frame = ByteBuffer()
        GRPCWebTrailers.write(trailers ?? headTrailers ?? HTTPHeaders(), into: &frame)
        guard mode == .text else { return frame }
        var output = ByteBuffer()
        encoder.encode(frame, into: &output)
        encoder.finish(into: &output)
        return output
    }
}
