import NIOCore
import NIOHTTP1
import Testing
@testable import SluiceGateway

@Suite("HTTP/1.1 response serializer")
struct HTTP1ResponseSerializerTests {
    func serialize(_ response: GatewayResponse, _ framing: HTTP1ResponseFraming) -> String {
        var buffer = ByteBuffer()
        HTTP1ResponseSerializer.write(response, framing: framing, into: &buffer)
        return String(buffer: buffer)
    }

    @Test("a JSON body: status line, server, content-type, length, body in one buffer")
    func body() {
        let text = serialize(
            GatewayResponse(status: 200, body: ByteBuffer(string: #"{"a":1}"#)),
            HTTP1ResponseFraming(omitsBody: false, connection: .keepAlive)
        )
        #expect(text == "HTTP/1.1 200 OK\r\nserver: sluice\r\ncontent-type: application/json\r\ncontent-length: 7\r\n\r\n{\"a\":1}")
    }

    @Test("a body with its own content type; an unsafe one falls back to JSON's")
    func contentType() {
        let framing = HTTP1ResponseFraming(omitsBody: false, connection: .keepAlive)
        #expect(
            serialize(GatewayResponse(status: 200, body: ByteBuffer(string: "hi"), contentType: "text/plain; charset=utf-8"), framing)
                == "HTTP/1.1 200 OK\r\nserver: sluice\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 2\r\n\r\nhi"
        )
        #expect(
            serialize(GatewayResponse(status: 200, body: ByteBuffer(string: "hi"), contentType: "a/b\r\nx: y"), framing)
                == "HTTP/1.1 200 OK\r\nserver: sluice\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\nhi"
        )
    }

    @Test("no body: length 0, except 204; HEAD keeps the length and drops the body; connection fields")
    func framing() {
        #expect(
            serialize(GatewayResponse(status: 202, body: nil), .closing)
                == "HTTP/1.1 202 Accepted\r\nserver: sluice\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        )
        #expect(
            serialize(GatewayResponse(status: 204, body: nil), HTTP1ResponseFraming(omitsBody: false, connection: .keepAliveHTTP10))
                == "HTTP/1.1 204 No Content\r\nserver: sluice\r\nconnection: keep-alive\r\n\r\n"
        )
        #expect(
            serialize(GatewayResponse(status: 200, body: ByteBuffer(string: "12345")), HTTP1ResponseFraming(omitsBody: true, connection: .keepAlive))
                == "HTTP/1.1 200 OK\r\nserver: sluice\r\ncontent-type: application/json\r\ncontent-length: 5\r\n\r\n"
        )
    }

    @Test("extra fields are written; ones that could split the response are dropped")
    func extraFields() {
        let response = GatewayResponse(
            status: 405,
            headers: [("allow", "GET, POST"), ("x-bad", "a\r\nset-cookie: x"), ("bad name", "v")],
            body: nil
        )
        #expect(
            serialize(response, HTTP1ResponseFraming(omitsBody: false, connection: .keepAlive))
                == "HTTP/1.1 405 Method Not Allowed\r\nserver: sluice\r\ncontent-length: 0\r\nallow: GET, POST\r\n\r\n"
        )
    }

    @Test("every status line matches NIO's reason phrase, pre-encoded or formatted")
    func statusLines() {
        for status in [200, 201, 202, 204, 400, 401, 403, 404, 405, 409, 413, 418, 429, 500, 502, 503, 504, 599] {
            var buffer = ByteBuffer()
            HTTP1ResponseSerializer.writeStatusLine(status, into: &buffer)
            let phrase = HTTPResponseStatus(statusCode: status).reasonPhrase
            #expect(String(buffer: buffer) == "HTTP/1.1 \(status) \(phrase)\r\nserver: sluice\r\n")
        }
    }

    @Test("decimal lengths")
    func decimals() {
        for value in [0, 7, 10, 99, 1024, 1_048_576, Int.max] {
            var buffer = ByteBuffer()
            HTTP1ResponseSerializer.writeDecimal(value, into: &buffer)
            #expect(String(buffer: buffer) == String(value))
        }
    }
}
