import NIOHPACK
import Testing
@testable import SluiceGateway

@Suite("WebSocket over HTTP/2: extended CONNECT")
struct HTTP2WebSocketTests {
    func block(_ method: String = "CONNECT", proto: String? = "websocket", path: String = "/ws?x=1", version: String? = "13") -> HPACKHeaders {
        var fields = [(":method", method), (":scheme", "https"), (":authority", "a"), (":path", path)]
        if let proto { fields.append((":protocol", proto)) }
        if let version { fields.append(("sec-websocket-version", version)) }
        return HPACKHeaders(fields)
    }

    func status(_ attempt: HTTP2WebSocket.Attempt?) -> Int? {
        switch attempt {
        case .none: return nil
        case .accept: return 101
        case .refuse(let response): return response.status
        }
    }

    @Test("a CONNECT for websocket to the path (query ignored) with version 13 is accepted")
    func accepted() {
        #expect(status(HTTP2WebSocket.attempt(block(), settings: WebSocketSettings())) == 101)
    }

    @Test("requests that are not an extended CONNECT are left to the router")
    func notAnAttempt() {
        #expect(status(HTTP2WebSocket.attempt(block("GET"), settings: WebSocketSettings())) == nil)
        #expect(status(HTTP2WebSocket.attempt(block(proto: nil), settings: WebSocketSettings())) == nil)
    }

    @Test("another protocol is 400, another path or WebSocket off is 404, a missing or other version 426")
    func refused() {
        #expect(status(HTTP2WebSocket.attempt(block(proto: "connect-udp"), settings: WebSocketSettings())) == 400)
        #expect(status(HTTP2WebSocket.attempt(block(path: "/other"), settings: WebSocketSettings())) == 404)
        #expect(status(HTTP2WebSocket.attempt(block(), settings: nil)) == 404)
        #expect(status(HTTP2WebSocket.attempt(block(version: nil), settings: WebSocketSettings())) == 426)
        guard case .refuse(let response) = HTTP2WebSocket.attempt(block(version: "8"), settings: WebSocketSettings()) else {
            Issue.record("version 8 must be refused")
            return
        }
        #expect(response.status == 426)
        #expect(response.headers.contains { $0.name == "sec-websocket-version" && $0.value == "13" })
    }
}
