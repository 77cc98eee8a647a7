import SluiceClient
import Testing

@Suite("Endpoint parsing")
struct EndpointTests {
    @Test("host:port and [v6]:port parse", arguments: [
        ("127.0.0.1:9090", "127.0.0.1", 9090), ("backend.local:1", "backend.local", 1), ("[::1]:8080", "::1", 8080),
    ])
    func parses(text: String, host: String, port: Int) {
        #expect(Endpoint(parsing: text) == Endpoint(host: host, port: port))
        #expect(Endpoint(parsing: text)?.description == text)
    }

    @Test("bad endpoints are rejected", arguments: ["127.0.0.1", ":80", "host:0", "host:65536", "host:x", "::1:80", "[::1]"])
    func rejects(text: String) {
        #expect(Endpoint(parsing: text) == nil)
    }
}
