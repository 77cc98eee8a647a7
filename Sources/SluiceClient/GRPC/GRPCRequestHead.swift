internal import NIOCore
internal import NIOHPACK
internal import SluiceJSON

/// A call's request HEADERS (gRPC over HTTP/2, "Requests").
enum GRPCRequestHead {
    /// Fields the client writes itself, or that HTTP/2 forbids (RFC 9113 §8.2.2): metadata does not set them.
    static let reservedNames: Set<String> = [
        "content-type", "te", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding", "user-agent", "host",
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade",
    ]

    /// - Parameter metadata: names are lower-cased; a `-bin` name's value is sent as the base64 (unpadded, as
    ///   gRPC writes it) of its UTF-8 bytes; reserved names and pseudo-headers are left out.
    static func headers(
        path: String,
        scheme: String,
        authority: String,
        timeout: TimeAmount,
        userAgent: String,
        metadata: [(String, String)]
    ) -> HPACKHeaders {
        var headers = HPACKHeaders()
        headers.reserveCapacity(7 + metadata.count)
        headers.add(name: ":method", value: "POST")
        headers.add(name: ":scheme", value: scheme)
        headers.add(name: ":path", value: path)
        headers.add(name: ":authority", value: authority)
        headers.add(name: "content-type", value: "application/grpc")
        headers.add(name: "te", value: "trailers")
        // Never indexed: its value differs on every call, and each one indexed would push an entry out of the
        // HPACK dynamic table and lengthen the encoder's scans of it for every other field.
        headers.add(name: "grpc-timeout", value: GRPCTimeout.header(timeout), indexing: .nonIndexable)
        headers.add(name: "user-agent", value: userAgent)
        for (name, value) in metadata {
            let name = name.lowercased()
            guard !name.hasPrefix(":"), !reservedNames.contains(name) else { continue }
            if name.hasSuffix("-bin") {
                var encoded = Base64.encode(Array(value.utf8))
                while encoded.hasSuffix("=") { encoded.removeLast() }
                headers.add(name: name, value: encoded)
            } else {
                headers.add(name: name, value: value)
            }
        }
        return headers
    }
}
