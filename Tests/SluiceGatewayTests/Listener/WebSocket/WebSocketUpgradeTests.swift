import NIOCore
import NIOHTTP1
import Testing
@testable import SluiceGateway

@Suite("WebSocket upgrade requests")
struct WebSocketUpgradeTests {
    static let goodHeaders = [
        ("Host", "x"), ("Upgrade", "websocket"), ("Connection", "keep-alive, Upgrade"),
        ("Sec-WebSocket-Version", "13"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ]

    func head(_ uri: String = "/ws", method: HTTPMethod = .GET, replacing: [(String, String?)] = []) -> HTTPRequestHead {
        var headers = HTTPHeaders(Self.goodHeaders)
        for (name, value) in replacing {
            headers.remove(name: name)
            if let value { headers.add(name: name, value: value) }
        }
        return HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)
    }

    @Test("an attempt is Upgrade: websocket on the path, whatever the query; anything else is routed")
    func attempts() {
        #expect(WebSocketUpgrade.isAttempt(head(), path: "/ws"))
        #expect(WebSocketUpgrade.isAttempt(head("/ws?token=1", replacing: [("Upgrade", "WebSocket")]), path: "/ws"))
        #expect(!WebSocketUpgrade.isAttempt(head("/ws/x"), path: "/ws"))
        #expect(!WebSocketUpgrade.isAttempt(head("/other"), path: "/ws"))
        #expect(!WebSocketUpgrade.isAttempt(head(replacing: [("Upgrade", nil)]), path: "/ws"))
        #expect(!WebSocketUpgrade.isAttempt(head(replacing: [("Upgrade", "h2c")]), path: "/ws"))
    }

    @Test("a good request may upgrade")
    func good() {
        #expect(WebSocketUpgrade.refusal(of: head()) == nil)
    }

    @Test(
        "bad requests are refused: 426 naming version 13 for a wrong or missing version, 400 otherwise",
        arguments: [
            ("version 8", 426), ("no version", 426), ("no key", 400), ("short key", 400), ("POST", 400), ("no connection", 400),
        ])
    func refused(_ problem: String, status: Int) {
        let request: HTTPRequestHead
        switch problem {
        case "version 8": request = head(replacing: [("Sec-WebSocket-Version", "8")])
        case "no version": request = head(replacing: [("Sec-WebSocket-Version", nil)])
        case "no key": request = head(replacing: [("Sec-WebSocket-Key", nil)])
        case "short key": request = head(replacing: [("Sec-WebSocket-Key", "c2hvcnQ=")])
        case "POST": request = head(method: .POST)
        default: request = head(replacing: [("Connection", "keep-alive")])
        }
        guard let response = WebSocketUpgrade.refusal(of: request) else {
            Issue.record("\(problem) was accepted")
            return
        }
        #expect(response.status == status)
        #expect(response.body.map { String(buffer: $0) }?.hasPrefix(#"{"error":{"code":""#) == true)
        #expect(response.headers.contains { $0.name == "sec-websocket-version" && $0.value == "13" } == (status == 426))
    }
}
