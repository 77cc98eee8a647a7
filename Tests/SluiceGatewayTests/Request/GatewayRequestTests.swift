import Testing
@testable import SluiceGateway

@Suite("Gateway request")
struct GatewayRequestTests {
    @Test(
        "origin-form and absolute-form targets split into path and query",
        arguments: [
            ("/a/b?x=1#frag", "/a/b", "x=1"),
            ("/a", "/a", ""),
            ("http://example.com/a/b?x=1", "/a/b", "x=1"),
            ("https://example.com:8443/a", "/a", ""),
            ("http://example.com", "/", ""),
            ("http://example.com?x=1", "/", "x=1"),
            ("*", "*", ""),
            ("/v1/a:b://c", "/v1/a:b://c", ""),
        ]
    )
    func split(target: String, path: String, query: String) {
        let request = GatewayRequest(method: "GET", target: target, headers: GatewayHeaders(), body: nil)
        #expect(request.path == path[...])
        #expect(request.query == query[...])
    }

    @Test("header names compare case-insensitively; values keep their order")
    func headers() {
        let headers = GatewayHeaders([
            (name: "X-User", value: "a"), (name: "Accept", value: "*/*"), (name: "x-user", value: "b"),
        ])
        #expect(headers.first("x-USER") == "a")
        #expect(headers.values("X-User") == ["a", "b"])
        #expect(headers.count == 3)
        #expect(headers.map(\.name) == ["X-User", "Accept", "x-user"])
        #expect(headers == GatewayHeaders(Array(headers)))
        #expect(headers != GatewayHeaders([(name: "X-User", value: "a")]))
    }
}
