import NIOCore
import SluiceThrift
import Testing
@testable import SluiceGateway

@Suite("Responses from api.header, api.cookie, api.http_code, api.raw_body")
struct GatewayResponseMappingTests {
    @Test("headers and cookies are added, api.http_code sets the status")
    func mapped() {
        let response = GatewayResponse(
            mapping: [
                HTTPResponseValue(target: .header("X-Token"), text: "t"),
                HTTPResponseValue(target: .cookie("sid"), text: "abc"),
                HTTPResponseValue(target: .statusCode, text: "201"),
            ],
            body: ByteBuffer(string: "{}")
        )
        #expect(response.status == 201)
        #expect(response.headers.map { "\($0.name): \($0.value)" } == ["X-Token: t", "set-cookie: sid=abc"])
        #expect(response.body != nil)
    }

    @Test("a status outside 200...599 is ignored; 204 and 304 carry no body")
    func statuses() {
        for (text, status) in [("100", 200), ("600", 200), ("x", 200), ("404", 404)] {
            #expect(GatewayResponse(mapping: [HTTPResponseValue(target: .statusCode, text: text)], body: ByteBuffer()).status == status)
        }
        for code in ["204", "304"] {
            #expect(GatewayResponse(mapping: [HTTPResponseValue(target: .statusCode, text: code)], body: ByteBuffer(string: "{}")).body == nil)
        }
    }

    @Test("a raw body is octet-stream (binary) or UTF-8 text (string); an api.header Content-Type field names its type instead")
    func contentTypes() {
        #expect(GatewayResponse(mapping: [], rawBodyIsBinary: true, body: ByteBuffer()).contentType == "application/octet-stream")
        #expect(GatewayResponse(mapping: [], rawBodyIsBinary: false, body: ByteBuffer()).contentType == "text/plain; charset=utf-8")
        let typed = GatewayResponse(
            mapping: [HTTPResponseValue(target: .header("Content-Type"), text: "image/png"), HTTPResponseValue(target: .header("ETag"), text: "e")],
            rawBodyIsBinary: true, body: ByteBuffer()
        )
        #expect(typed.contentType == "image/png")
        #expect(typed.headers.map(\.name) == ["ETag"])
        // On a JSON body too: one Content-Type field, never application/json beside the one the reply names.
        let json = GatewayResponse(mapping: [HTTPResponseValue(target: .header("content-type"), text: "application/problem+json")], body: ByteBuffer())
        #expect(json.contentType == "application/problem+json")
        #expect(json.headers.isEmpty)
        #expect(GatewayResponse(mapping: [HTTPResponseValue(target: .header("X-A"), text: "1")], body: ByteBuffer()).contentType == nil)
    }
}
