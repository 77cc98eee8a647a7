internal import NIOCore
internal import SluiceJSON

/// A ``GatewayResponse`` as a reply message:
/// `{"id": "1", "status": 200, "headers": {...}, "body": <the same JSON an HTTP client gets>}`.
///
/// `id` is the request's own text (`null` when it had none or none could be read). `headers` holds the
/// fields an HTTP client would get beyond the framing ones; a name sent more than once has an array of
/// values. The JSON body is copied in as is; a non-JSON body (an `api.raw_body` reply) is a JSON string,
/// with its `content-type` in `headers`, or `body_base64` when it is not UTF-8. Bodiless replies have no
/// `body`.
enum WebSocketReply {
    static func write(id: ByteBuffer?, response: GatewayResponse, allocator: ByteBufferAllocator) -> ByteBuffer {
        var json = JSONWriter(buffer: allocator.buffer(capacity: 64 + (id?.readableBytes ?? 4) + (response.body?.readableBytes ?? 0)))
        json.beginObject()
        writeID(id, into: &json)
        json.key("status")
        json.int(response.status)
        json.key("headers")
        writeHeaders(response, into: &json)
        if let body = response.body {
            body.withUnsafeReadableBytes { bytes in
                if response.contentType == nil {
                    json.key("body")
                    json.rawValue(bytes)
                } else if UTF8Validation.isValid(bytes) {
                    json.key("body")
                    json.string(utf8: bytes)
                } else {
                    json.key("body_base64")
                    json.base64(bytes)
                }
            }
        }
        json.endObject()
        return json.buffer
    }

    /// The reply that ends a streamed reply: `{"id": "1", "end": true}`.
    static func end(id: ByteBuffer?, allocator: ByteBufferAllocator) -> ByteBuffer {
        var json = JSONWriter(buffer: allocator.buffer(capacity: 24 + (id?.readableBytes ?? 4)))
        json.beginObject()
        writeID(id, into: &json)
        json.key("end")
        json.bool(true)
        json.endObject()
        return json.buffer
    }

    private static func writeID(_ id: ByteBuffer?, into json: inout JSONWriter) {
        json.key("id")
        if let id {
            id.withUnsafeReadableBytes { json.rawValue($0) }
        } else {
            json.null()
        }
    }

    private static func writeHeaders(_ response: GatewayResponse, into json: inout JSONWriter) {
        json.beginObject()
        if let contentType = response.contentType {
            json.key("content-type")
            json.string(contentType)
        }
        let fields = response.headers
        for (index, field) in fields.enumerated()
        where !fields[..<index].contains(where: { GatewayHeaders.sameName($0.name, field.name) }) {
            json.key(field.name.lowercased())
            let values = fields[index...].filter { GatewayHeaders.sameName($0.name, field.name) }
            if values.count == 1 {
                json.string(field.value)
            } else {
                json.beginArray()
                for value in values { json.string(value.value) }
                json.endArray()
            }
        }
        json.endObject()
    }
}
