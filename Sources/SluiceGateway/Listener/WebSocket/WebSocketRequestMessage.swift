internal import NIOCore
internal import SluiceJSON
internal import SluiceThrift

/// One RPC request read from a WebSocket message:
/// `{"id": "1", "method": "POST", "path": "/v1/echo/bob?verbose=true", "headers": {...}, "body": {...}}`.
///
/// `id` (any JSON string or number) is kept as its bytes, to be echoed verbatim; `body` is a slice of the
/// message, not re-encoded, unless `headers` give a non-JSON `content-type` and the body is a JSON string,
/// whose decoded text is then the body (for `api.raw_body` routes).
struct WebSocketRequestMessage {
    /// The `id` value's JSON text (`"1"` with its quotes, or `42`); nil when there is none.
    var id: ByteBuffer?
    var request: GatewayRequest
    /// `body` as the first request message, should the route stream requests (its JSON even when the request
    /// body is its decoded text).
    var firstItem: RequestMessageStream.Item?

    /// A message that is not a usable request: the reply's `id` (when one could be read) and the error.
    struct Malformed: Error {
        var id: ByteBuffer?
        var error: GatewayError
    }

    static let keys = "id, method, path, headers, body; or id and body, or id and end, for a stream"

    /// Reads `message` (a whole text or binary message, UTF-8 JSON); ``WebSocketInbound/parse(_:)`` is the way in.
    fileprivate static func parse(_ message: ByteBuffer) throws(Malformed) -> WebSocketInbound {
        let parsed: Result<WebSocketInbound, Malformed> = message.withUnsafeReadableBytes { bytes in
            // One level for the message itself on top of the transcoder's own limit for the body.
            let maxDepth = TranscodeOptions().maxDepth + 1
            var parser = Parser(scanner: JSONScanner(bytes: bytes, maxDepth: maxDepth), message: message)
            do throws(GatewayError) {
                return .success(try parser.parse())
            } catch {
                return .failure(Malformed(id: parser.id, error: error))
            }
        }
        return try parsed.get()
    }

    private struct Parser {
        var scanner: JSONScanner
        let message: ByteBuffer
        var id: ByteBuffer?

        mutating func parse() throws(GatewayError) -> WebSocketInbound {
            var method: String?
            var target: String?
            var fields: [(name: String, value: String)] = []
            var body: (range: Range<Int>, string: JSONStringToken?)?
            var end = false
            /// Each key's offset, for the errors that name one.
            var seen: [String: Int] = [:]
            var cursor = try json { (scanner: inout JSONScanner) throws(JSONError) in try scanner.beginObject() }
            while let keyToken = try json({ (scanner: inout JSONScanner) throws(JSONError) in try scanner.nextKey(&cursor) }) {
                let key = scanner.decodedString(keyToken)
                guard seen.updateValue(keyToken.quoteOffset, forKey: key) == nil else {
                    throw GatewayError(.badRequest, "the message has '\(key)' twice", field: "$.\(key)", offset: keyToken.quoteOffset)
                }
                let start = try json { (scanner: inout JSONScanner) throws(JSONError) in
                    _ = try scanner.peekKind()
                    return scanner.offset
                }
                switch key {
                case "id":
                    switch try json({ (scanner: inout JSONScanner) throws(JSONError) in try scanner.peekKind() }) {
                    case .string, .number:
                        try skipValue()
                        id = message.getSlice(at: message.readerIndex + start, length: scanner.offset - start)
                    default:
                        throw GatewayError(.badRequest, "'id' must be a string or a number", field: "$.id", offset: start)
                    }
                case "method":
                    let text = try string(field: "method")
                    guard !text.isEmpty, text.utf8.allSatisfy(HTTP1ResponseSerializer.isTokenByte) else {
                        throw GatewayError(.badRequest, "'method' must be an HTTP method such as GET or POST", field: "$.method", offset: start)
                    }
                    method = text
                case "path":
                    let text = try string(field: "path")
                    guard text.utf8.first == UInt8(ascii: "/") else {
                        throw GatewayError(.badRequest, "'path' must start with '/'", field: "$.path", offset: start)
                    }
                    target = text
                case "headers":
                    fields = try headers()
                case "body":
                    switch try json({ (scanner: inout JSONScanner) throws(JSONError) in try scanner.peekKind() }) {
                    case .null:
                        // `"body": null` is no body, as when it is absent.
                        try skipValue()
                        body = nil
                    case .string:
                        let token = try json { (scanner: inout JSONScanner) throws(JSONError) in try scanner.readString() }
                        body = (start..<scanner.offset, token)
                    default:
                        try skipValue()
                        body = (start..<scanner.offset, nil)
                    }
                case "end":
                    guard try json({ (scanner: inout JSONScanner) throws(JSONError) in try scanner.peekKind() }) == .bool,
                        try json({ (scanner: inout JSONScanner) throws(JSONError) in try scanner.readBool() })
                    else {
                        throw GatewayError(.badRequest, "'end' must be true", field: "$.end", offset: start)
                    }
                    end = true
                default:
                    throw GatewayError(
                        .badRequest, "unknown key '\(key)' in the message (expected \(WebSocketRequestMessage.keys))",
                        field: "$.\(key)", offset: keyToken.quoteOffset)
                }
            }
            try json { (scanner: inout JSONScanner) throws(JSONError) in try scanner.finish() }
            if end {
                // `{"id", "end": true}` and nothing else.
                for key in ["method", "path", "headers", "body"] {
                    if let offset = seen[key] {
                        throw GatewayError(
                            .badRequest, "'\(key)' cannot go with 'end': a stream's end is {\"id\": ..., \"end\": true}",
                            field: "$.\(key)", offset: offset)
                    }
                }
                guard let id else { throw GatewayError(.badRequest, "the end of a stream needs the stream's 'id'", field: "$.id") }
                return .stream(WebSocketStreamMessage(id: id, kind: .end))
            }
            if let id, let body, seen.count == 2 {
                // `{"id", "body"}`: a stream's next request message.
                let slice = message.getSlice(at: message.readerIndex + body.range.lowerBound, length: body.range.count) ?? ByteBuffer()
                return .stream(WebSocketStreamMessage(id: id, kind: .item(RequestMessageStream.Item(json: slice, field: "$.body", offset: body.range.lowerBound))))
            }
            guard let method else { throw GatewayError(.badRequest, "the message has no 'method'", field: "$.method") }
            guard let target else { throw GatewayError(.badRequest, "the message has no 'path'", field: "$.path") }
            var bodyBuffer: ByteBuffer?
            var firstItem: RequestMessageStream.Item?
            if let body {
                if let json = message.getSlice(at: message.readerIndex + body.range.lowerBound, length: body.range.count) {
                    firstItem = RequestMessageStream.Item(json: json, field: "$.body", offset: body.range.lowerBound)
                }
                let contentType = fields.first { GatewayHeaders.sameName($0.name, "content-type") }?.value
                if let contentType, !Self.isJSON(contentType), let token = body.string {
                    var decoded = ByteBufferAllocator().buffer(capacity: token.decodedCount)
                    scanner.withDecodedBytes(token) { _ = decoded.writeBytes($0) }
                    bodyBuffer = decoded
                } else {
                    bodyBuffer = firstItem?.json
                    if contentType == nil { fields.append((name: "content-type", value: "application/json")) }
                }
            }
            let request = GatewayRequest(method: method, target: target, headers: GatewayHeaders(fields), body: bodyBuffer)
            return .request(WebSocketRequestMessage(id: id, request: request, firstItem: firstItem))
        }

        /// `headers`: an object of strings.
        private mutating func headers() throws(GatewayError) -> [(name: String, value: String)] {
            var fields: [(name: String, value: String)] = []
            guard try json({ (scanner: inout JSONScanner) throws(JSONError) in try scanner.peekKind() }) == .object else {
                throw GatewayError(.badRequest, "'headers' must be an object of strings", field: "$.headers", offset: scanner.offset)
            }
            var cursor = try json { (scanner: inout JSONScanner) throws(JSONError) in try scanner.beginObject() }
            while let keyToken = try json({ (scanner: inout JSONScanner) throws(JSONError) in try scanner.nextKey(&cursor) }) {
                let name = scanner.decodedString(keyToken)
                guard !name.isEmpty, name.utf8.allSatisfy(HTTP1ResponseSerializer.isTokenByte) else {
                    throw GatewayError(.badRequest, "'\(name)' is not a header name", field: "$.headers", offset: keyToken.quoteOffset)
                }
                let value = try string(field: "headers.\(name)")
                guard !value.utf8.contains(where: { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") || $0 == 0 }) else {
                    throw GatewayError(.badRequest, "header '\(name)' has a line break or NUL", field: "$.headers.\(name)")
                }
                fields.append((name: name, value: value))
            }
            return fields
        }

        private mutating func string(field: String) throws(GatewayError) -> String {
            guard try json({ (scanner: inout JSONScanner) throws(JSONError) in try scanner.peekKind() }) == .string else {
                throw GatewayError(.badRequest, "'\(field)' must be a string", field: "$.\(field)", offset: scanner.offset)
            }
            let token = try json { (scanner: inout JSONScanner) throws(JSONError) in try scanner.readString() }
            return scanner.decodedString(token)
        }

        private mutating func skipValue() throws(GatewayError) {
            try json { (scanner: inout JSONScanner) throws(JSONError) in try scanner.skipValue() }
        }

        /// Runs a scanner step, turning a syntax error into the 400 an HTTP body would get.
        private mutating func json<T>(_ step: (inout JSONScanner) throws(JSONError) -> T) throws(GatewayError) -> T {
            do {
                return try step(&scanner)
            } catch {
                let code: GatewayError.Code = error.kind == .tooDeep ? .tooDeep : .invalidJSON
                throw GatewayError(code, "the message is not valid JSON: \(error.message)", offset: error.offset)
            }
        }

        /// `application/json` or any `+json` type, parameters ignored.
        static func isJSON(_ contentType: String) -> Bool {
            let mediaType = (contentType.split(separator: ";", maxSplits: 1).first?.trimmingSpaces ?? "").lowercased()
            return mediaType == "application/json" || mediaType.hasSuffix("+json")
        }
    }
}

/// A message from the client: a request, or what follows a request that opened a stream.
enum WebSocketInbound {
    case request(WebSocketRequestMessage)
    case stream(WebSocketStreamMessage)

    /// Reads `message` (a whole text or binary message, UTF-8 JSON).
    static func parse(_ message: ByteBuffer) throws(WebSocketRequestMessage.Malformed) -> WebSocketInbound {
        try WebSocketRequestMessage.parse(message)
    }
}

/// `{"id": "1", "body": {...}}`, the next request message of the stream `id` opened, or
/// `{"id": "1", "end": true}`, the end of its requests.
struct WebSocketStreamMessage {
    enum Kind {
        case item(RequestMessageStream.Item)
        case end
    }

    /// The stream's `id`, as its JSON text.
    var id: ByteBuffer
    var kind: Kind
}
