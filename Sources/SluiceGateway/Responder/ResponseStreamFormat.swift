internal import NIOCore

/// How a streamed body reaches an HTTP client: newline-delimited JSON by default, server-sent events when the
/// client asks for them (`Accept: text/event-stream`), as grpc-gateway and Envoy's transcoder offer.
enum ResponseStreamFormat: Sendable, Hashable {
    /// `application/x-ndjson`: one message's JSON per line; an error is a last line `{"error": {...}}`.
    case ndjson
    /// `text/event-stream`: a `data:` event per message; an error is a last `event: error`.
    case sse

    /// SSE when `accept` names `text/event-stream` (any parameters or q-value but 0), else NDJSON.
    static func negotiate(accept: [String]) -> Self {
        for value in accept {
            for range in value.split(separator: ",") {
                let parts = range.split(separator: ";")
                guard let type = parts.first?.trimmingSpaces, type.lowercased() == "text/event-stream" else { continue }
                let refused = parts.dropFirst().contains { parameter in
                    // `q=0`, `q=0.0`, `q = 0.000`: the client refuses the type.
                    let text = String(parameter.lowercased().filter { $0 != " " && $0 != "\t" })
                    guard text.hasPrefix("q=0") else { return false }
                    let rest = text.dropFirst(3)
                    return rest.isEmpty || rest.first == "." && rest.dropFirst().allSatisfy { $0 == "0" }
                }
                if !refused { return .sse }
            }
        }
        return .ndjson
    }

    var contentType: String {
        switch self {
        case .ndjson: "application/x-ndjson"
        case .sse: "text/event-stream"
        }
    }

    /// Header fields beyond the content type: an event stream must not be cached or buffered by proxies.
    var headers: [(name: String, value: String)] {
        switch self {
        case .ndjson: []
        case .sse: [(name: "cache-control", value: "no-cache")]
        }
    }

    /// `part` framed for the body. The JSON the codecs write has no raw line breaks (they are escaped inside
    /// strings), so a message is one line, and one `data:` line.
    func frame(_ part: ResponseStream.Part, allocator: ByteBufferAllocator) -> ByteBuffer {
        let (prefix, json, suffix): (StaticString, ByteBuffer, StaticString)
        switch (self, part) {
        case (.ndjson, .message(let message)): (prefix, json, suffix) = ("", message, "\n")
        case (.ndjson, .error(_, let status)): (prefix, json, suffix) = ("{\"error\":", status, "}\n")
        case (.sse, .message(let message)): (prefix, json, suffix) = ("data: ", message, "\n\n")
        case (.sse, .error(_, let status)): (prefix, json, suffix) = ("event: error\ndata: ", status, "\n\n")
        }
        var bytes = allocator.buffer(capacity: prefix.utf8CodeUnitCount + json.readableBytes + suffix.utf8CodeUnitCount)
        bytes.writeStaticString(prefix)
        bytes.writeImmutableBuffer(json)
        bytes.writeStaticString(suffix)
        return bytes
    }
}
