internal import NIOCore
internal import NIOHTTP1

/// Writes a whole ``GatewayResponse`` — status line, header fields, body — into one buffer, so each response
/// costs one pipeline write (and the connection one `writev` per flush).
///
/// Why not `HTTPResponseEncoder`: a response through it is three pipeline writes (head, body, end), an
/// `HTTPHeaders` built per response, the length formatted as a `String`, and `NIOHTTPResponseHeadersValidator`
/// re-scanning every field; together over a third of the gateway's CPU per proxied request. Here the fixed
/// parts are static bytes and only the length's digits and the rare extra fields are formatted.
enum HTTP1ResponseSerializer {
    /// Enough for the status line, the fixed fields and the length digits.
    static let fixedHeadCapacity = 160

    static func write(_ response: GatewayResponse, framing: HTTP1ResponseFraming, into buffer: inout ByteBuffer) {
        writeStatusLine(response.status, into: &buffer)
        if let body = response.body {
            if let contentType = response.contentType, isSafe(("content-type", contentType)) {
                buffer.writeStaticString("content-type: ")
                buffer.writeString(contentType)
                buffer.writeStaticString("\r\ncontent-length: ")
            } else {
                buffer.writeStaticString("content-type: application/json\r\ncontent-length: ")
            }
            writeDecimal(body.readableBytes, into: &buffer)
            buffer.writeStaticString("\r\n")
        } else if response.status >= 200 && response.status != 204 && response.status != 304 {
            buffer.writeStaticString("content-length: 0\r\n")
        }
        writeFields(response.headers, into: &buffer)
        writeEndOfHead(framing.connection, into: &buffer)
        if !framing.omitsBody, let body = response.body {
            buffer.writeImmutableBuffer(body)
        }
    }

    /// The head of a response whose body streams: its content type, fields and framing, no length.
    static func writeStreamHead(_ response: GatewayResponse, chunked: Bool, framing: HTTP1ResponseFraming, into buffer: inout ByteBuffer) {
        writeStatusLine(response.status, into: &buffer)
        if let contentType = response.contentType, isSafe(("content-type", contentType)) {
            buffer.writeStaticString("content-type: ")
            buffer.writeString(contentType)
            buffer.writeStaticString("\r\n")
        }
        writeFields(response.headers, into: &buffer)
        if chunked { buffer.writeStaticString("transfer-encoding: chunked\r\n") }
        writeEndOfHead(framing.connection, into: &buffer)
    }

    /// The response's extra fields, those safe to write.
    private static func writeFields(_ fields: [(name: String, value: String)], into buffer: inout ByteBuffer) {
        for field in fields where isSafe(field) {
            buffer.writeString(field.name)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
    }

    /// What `connection` says, then the blank line ending the head.
    static func writeEndOfHead(_ connection: HTTP1ResponseFraming.Connection, into buffer: inout ByteBuffer) {
        switch connection {
        case .keepAlive: buffer.writeStaticString("\r\n")
        case .keepAliveHTTP10: buffer.writeStaticString("connection: keep-alive\r\n\r\n")
        case .close: buffer.writeStaticString("connection: close\r\n\r\n")
        }
    }

    /// The bytes a response will take, to size its buffer once.
    static func capacity(for response: GatewayResponse) -> Int {
        var capacity = fixedHeadCapacity + (response.body?.readableBytes ?? 0) + (response.contentType?.utf8.count ?? 0)
        for field in response.headers { capacity += field.name.utf8.count + field.value.utf8.count + 4 }
        return capacity
    }

    static let continueResponse: StaticString = "HTTP/1.1 100 Continue\r\n\r\n"

    /// Status line and `server`, pre-encoded for the statuses the gateway sends; others are formatted.
    static func writeStatusLine(_ status: Int, into buffer: inout ByteBuffer) {
        switch status {
        case 200: buffer.writeStaticString("HTTP/1.1 200 OK\r\nserver: sluice\r\n")
        case 202: buffer.writeStaticString("HTTP/1.1 202 Accepted\r\nserver: sluice\r\n")
        case 204: buffer.writeStaticString("HTTP/1.1 204 No Content\r\nserver: sluice\r\n")
        case 400: buffer.writeStaticString("HTTP/1.1 400 Bad Request\r\nserver: sluice\r\n")
        case 404: buffer.writeStaticString("HTTP/1.1 404 Not Found\r\nserver: sluice\r\n")
        case 405: buffer.writeStaticString("HTTP/1.1 405 Method Not Allowed\r\nserver: sluice\r\n")
        case 413: buffer.writeStaticString("HTTP/1.1 413 Payload Too Large\r\nserver: sluice\r\n")
        case 500: buffer.writeStaticString("HTTP/1.1 500 Internal Server Error\r\nserver: sluice\r\n")
        case 502: buffer.writeStaticString("HTTP/1.1 502 Bad Gateway\r\nserver: sluice\r\n")
        case 503: buffer.writeStaticString("HTTP/1.1 503 Service Unavailable\r\nserver: sluice\r\n")
        case 504: buffer.writeStaticString("HTTP/1.1 504 Gateway Timeout\r\nserver: sluice\r\n")
        default:
            // A status line needs a three-digit code; anything else is the gateway's bug, answered as 500.
            let code = (100...999).contains(status) ? status : 500
            buffer.writeStaticString("HTTP/1.1 ")
            writeDecimal(code, into: &buffer)
            buffer.writeStaticString(" ")
            buffer.writeString(HTTPResponseStatus(statusCode: code).reasonPhrase)
            buffer.writeStaticString("\r\nserver: sluice\r\n")
        }
    }

    /// Non-negative `value` in decimal, without a `String` in between.
    static func writeDecimal(_ value: Int, into buffer: inout ByteBuffer) {
        precondition(value >= 0, "lengths are never negative")
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: digits) { bytes in
            var rest = value
            var index = digits
            repeat {
                index -= 1
                bytes[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while index > 0
            return digits
        }
    }

    /// Extra fields come from the gateway's own code and route files, never from a client, but a name that is
    /// not a token or a value with CR, LF or NUL would split or corrupt the response, so such a field is
    /// dropped (the job `NIOHTTPResponseHeadersValidator` did for every field of every response).
    static func isSafe(_ field: (name: String, value: String)) -> Bool {
        !field.name.isEmpty
            && field.name.utf8.allSatisfy(isTokenByte)
            && !field.value.utf8.contains { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") || $0 == 0 }
    }

    /// RFC 9110 §5.6.2 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
