import NIOCore
import SluiceThrift
import Testing
@testable import SluiceGateway

@Suite("Responses from api.header, api.cookie, api.http_code")
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
}
