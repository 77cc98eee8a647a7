internal import NIOCore
internal import NIOHTTP1

/// How an upstream's response is framed towards the client, and its bytes: the head as one buffer, and each
/// body chunk as it arrives. The upstream's own `Transfer-Encoding` was removed (hop-by-hop); the body is
/// re-framed here.
enum ProxyResponseFraming: Hashable {
    /// No body follows (a `HEAD` request, `204`, `304`); any `Content-Length` describes the `GET` body.
    case none
    /// The upstream's `Content-Length` goes on, and the body bytes as they are.
    case contentLength
    /// Chunked towards an HTTP/1.1 client (the upstream sent chunked, or delimited its body by closing).
    case chunked
    /// An HTTP/1.0 client cannot read chunks: the body ends when the connection closes.
    case untilClose

    /// - Parameters:
    ///   - requestMethod: the client's method (`HEAD` responses have no body).
    ///   - clientVersion: the client request's version.
    static func choose(status: Int, headers: HTTPHeaders, requestMethod: HTTPMethod, clientVersion: HTTPVersion) -> Self {
        if requestMethod == .HEAD || status == 204 || status == 304 || (100..<200).contains(status) { return .none }
        if headers.contains(name: "content-length") { return .contentLength }
        return clientVersion.major > 1 || (clientVersion.major == 1 && clientVersion.minor >= 1) ? .chunked : .untilClose
    }

    /// The status line, `headers` (already without hop-by-hop fields), the framing's own field and what
    /// `connection` says.
    static func writeHead(
        status: Int,
        reason: String,
        headers: HTTPHeaders,
        framing: Self,
        connection: HTTP1ResponseFraming.Connection,
        into buffer: inout ByteBuffer
    ) {
        buffer.writeStaticString("HTTP/1.1 ")
        HTTP1ResponseSerializer.writeDecimal(status, into: &buffer)
        buffer.writeStaticString(" ")
        buffer.writeString(reason.isEmpty ? HTTPResponseStatus(statusCode: status).reasonPhrase : reason)
        buffer.writeStaticString("\r\n")
        for field in headers {
            buffer.writeString(field.name)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        if framing == .chunked { buffer.writeStaticString("transfer-encoding: chunked\r\n") }
        HTTP1ResponseSerializer.writeEndOfHead(connection, into: &buffer)
    }

    /// One body chunk as it goes to the client; `nil` when there is nothing to send.
    func body(_ chunk: ByteBuffer, allocator: ByteBufferAllocator) -> ByteBuffer? {
        switch self {
        case .none: return nil
        case .contentLength, .untilClose: return chunk
        case .chunked:
            guard chunk.readableBytes > 0 else { return nil }
            // Size line, data and CRLF in one buffer: one write per chunk, like the upstream's own.
            var framed = allocator.buffer(capacity: chunk.readableBytes + 20)
            framed.writeString(String(chunk.readableBytes, radix: 16))
            framed.writeStaticString("\r\n")
            var chunk = chunk
            framed.writeBuffer(&chunk)
            framed.writeStaticString("\r\n")
            return framed
        }
    }

    /// The bytes that end the body; `nil` when none are needed.
    func end(allocator: ByteBufferAllocator) -> ByteBuffer? {
        guard self == .chunked else { return nil }
        var last = allocator.buffer(capacity: 5)
        last.writeStaticString("0\r\n\r\n")
        return last
    }
}
