internal import NIOCore
internal import NIOHPACK
internal import NIOHTTP2

/// Writes a ``GatewayResponse`` as a HEADERS frame and, when there is a body, one DATA frame ending the
/// stream; the same fields HTTP/1.1 sends, minus what HTTP/2 forbids (RFC 9113 §8.2.2).
enum HTTP2ResponseWriter {
    /// `written` completes once the last frame has left (for a close that must not cut it off).
    static func write(
        _ response: GatewayResponse, omitBody: Bool, to context: ChannelHandlerContext, written: EventLoopPromise<Void>? = nil
    ) {
        let status = (100...999).contains(response.status) ? response.status : 500
        var headers = HPACKHeaders()
        headers.reserveCapacity(4 + response.headers.count)
        headers.add(name: ":status", value: String(status))
        headers.add(name: "server", value: "sluice")
        if let body = response.body {
            let contentType = response.contentType.map { HTTP1ResponseSerializer.isSafe(("content-type", $0)) ? $0 : nil } ?? nil
            headers.add(name: "content-type", value: contentType ?? "application/json")
            headers.add(name: "content-length", value: String(body.readableBytes))
        } else if status >= 200 && status != 204 && status != 304 {
            headers.add(name: "content-length", value: "0")
        }
        for field in response.headers where HTTP1ResponseSerializer.isSafe(field) && !isConnectionSpecific(field.name) {
            headers.add(name: field.name.lowercased(), value: field.value)
        }
        let body = omitBody ? nil : response.body.flatMap { $0.readableBytes > 0 ? $0 : nil }
        let head = HTTP2Frame.FramePayload.headers(.init(headers: headers, endStream: body == nil))
        context.write(NIOAny(head), promise: body == nil ? written : nil)
        if let body {
            context.write(NIOAny(HTTP2Frame.FramePayload.data(.init(data: .byteBuffer(body), endStream: true))), promise: written)
        }
        context.flush()
    }

    /// The HEADERS of a response whose body streams (as DATA frames that follow); with `endStream`, the only
    /// frame (a response to `HEAD`).
    static func writeStreamHead(_ response: GatewayResponse, endStream: Bool, to context: ChannelHandlerContext) {
        var headers = HPACKHeaders()
        headers.reserveCapacity(3 + response.headers.count)
        headers.add(name: ":status", value: String((100...999).contains(response.status) ? response.status : 500))
        headers.add(name: "server", value: "sluice")
        if let contentType = response.contentType, HTTP1ResponseSerializer.isSafe(("content-type", contentType)) {
            headers.add(name: "content-type", value: contentType)
        }
        for field in response.headers where HTTP1ResponseSerializer.isSafe(field) && !isConnectionSpecific(field.name) {
            headers.add(name: field.name.lowercased(), value: field.value)
        }
        context.writeAndFlush(NIOAny(HTTP2Frame.FramePayload.headers(.init(headers: headers, endStream: endStream))), promise: nil)
    }

    /// Fields HTTP/2 forbids in any header block (RFC 9113 §8.2.2).
    static func isConnectionSpecific(_ name: String) -> Bool {
        for forbidden in ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]
        where GatewayHeaders.sameName(name, forbidden) {
            return true
        }
        return false
    }
}
