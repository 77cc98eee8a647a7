import NIOCore
import NIOHTTP1
import Testing
@testable import SluiceGateway

@Suite("A proxied response collected into one answer")
struct ProxyCollectorTests {
    private func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test("a JSON body that parses stays JSON; the framing and type fields leave the header list")
    func jsonStaysJSON() {
        let headers: HTTPHeaders = ["Content-Type": "application/problem+json; charset=utf-8", "Content-Length": "9", "X-A": "1"]
        let response = GatewayResponse(proxied: .notFound, headers: headers, body: body(#"{"a": [1]}"#))
        #expect(response.status == 404)
        #expect(response.contentType == nil)
        #expect(response.headers.map(\.name) == ["X-A"])
    }

    @Test("a body claiming JSON that is not, or two values, keeps its content type so the reply quotes it")
    func brokenJSONIsQuoted() {
        for text in [#"{"a": "#, "1 2", ""] {
            let response = GatewayResponse(proxied: .ok, headers: ["content-type": "application/json"], body: body(text))
            #expect(response.contentType == "application/json", "\(text)")
        }
    }

    @Test("other bodies keep their type, untyped ones are octet streams; no body stays none")
    func otherBodies() {
        #expect(GatewayResponse(proxied: .ok, headers: ["Content-Type": "text/css"], body: body("a{}")).contentType == "text/css")
        #expect(GatewayResponse(proxied: .ok, headers: [:], body: body("x")).contentType == "application/octet-stream")
        let empty = GatewayResponse(proxied: .noContent, headers: ["Content-Type": "text/plain"], body: nil)
        #expect(empty.body == nil && empty.status == 204)
    }
}
