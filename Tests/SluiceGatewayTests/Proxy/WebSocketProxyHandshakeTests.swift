import NIOCore
import NIOEmbedded
import NIOHPACK
import NIOHTTP1
import NIOHTTP2
import Testing
@testable import SluiceGateway

@Suite("WebSocket upgrades proxied between HTTP/1.1 and HTTP/2 (RFC 8441)")
struct WebSocketProxyHandshakeTests {
    @Test("the accept value is RFC 6455's for its sample key; made keys are 16 random bytes, base64")
    func keys() {
        #expect(WebSocketKey.accept(for: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        let key = WebSocketKey.make()
        #expect(key.utf8.count == 24 && key.hasSuffix("=="))
        #expect(key != WebSocketKey.make())
    }

    @Test("an extended CONNECT becomes the GET upgrade an HTTP/1.1 client would send, with a key of the gateway's")
    func connectBecomesUpgrade() throws {
        let block = HPACKHeaders([
            (":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "https"), (":path", "/chat?room=1"),
            (":authority", "example.test"), ("sec-websocket-version", "13"), ("sec-websocket-protocol", "chat"),
            ("sec-websocket-key", "client-sent-one"),
        ])
        let head = try #require(HTTP2ProxyHeaders.webSocketRequest(block))
        #expect(head.method == .GET && head.uri == "/chat?room=1")
        #expect(head.headers["host"] == ["example.test"])
        #expect(head.headers["connection"] == ["Upgrade"] && head.headers["upgrade"] == ["websocket"])
        #expect(head.headers["sec-websocket-key"].count == 1 && head.headers["sec-websocket-key"] != ["client-sent-one"])
        #expect(head.headers["sec-websocket-protocol"] == ["chat"])
        #expect(ProxyHeaders.isWebSocketUpgrade(head.headers))
        var other = block
        other.replaceOrAdd(name: ":protocol", value: "connect-udp")
        #expect(HTTP2ProxyHeaders.webSocketRequest(other) == nil)
    }

    @Test("the upstream's 101 becomes a 200 without the HTTP/1.1 proof or connection fields")
    func switchBecomes200() {
        let headers: HTTPHeaders = [
            "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Accept": "x", "Sec-WebSocket-Protocol": "chat",
        ]
        let block = HTTP2ProxyHeaders.webSocketAccepted(headers)
        #expect(Array(block.map(\.name)) == [":status", "sec-websocket-protocol"])
        #expect(block.first(name: ":status") == "200")
    }

    private func upgradeHead() -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: .GET, uri: "/rooms/a?x=1", headers: [
            "Host": "up.test", "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version": "13", "X-Forwarded-For": "192.0.2.1",
        ])
    }

    @Test("toward an HTTP/2 upstream the upgrade is an extended CONNECT that leaves the stream open")
    func codecSendsConnect() throws {
        let channel = EmbeddedChannel(handler: HTTP2UpstreamWebSocketCodec(scheme: "http"))
        try channel.writeOutbound(HTTPClientRequestPart.head(upgradeHead()))
        try channel.writeOutbound(HTTPClientRequestPart.end(nil))
        guard case .headers(let headers) = try #require(try channel.readOutbound(as: HTTP2Frame.FramePayload.self)) else {
            Issue.record("expected HEADERS")
            return
        }
        #expect(!headers.endStream)
        #expect(headers.headers.map { "\($0.name)=\($0.value)" } == [
            ":method=CONNECT", ":protocol=websocket", ":scheme=http", ":path=/rooms/a?x=1", ":authority=up.test",
            "sec-websocket-version=13", "x-forwarded-for=192.0.2.1",
        ])
        #expect(try channel.readOutbound(as: HTTP2Frame.FramePayload.self) == nil)
    }

    @Test("an upstream's 2xx is read as the 101 an HTTP/1.1 upstream would send, with the accept for the key")
    func codecReadsAcceptance() throws {
        let channel = EmbeddedChannel(handler: HTTP2UpstreamWebSocketCodec(scheme: "http"))
        try channel.writeOutbound(HTTPClientRequestPart.head(upgradeHead()))
        let block = HPACKHeaders([(":status", "200"), ("sec-websocket-protocol", "chat")])
        try channel.writeInbound(HTTP2Frame.FramePayload.headers(.init(headers: block)))
        guard case .head(let head) = try #require(try channel.readInbound(as: HTTPClientResponsePart.self)) else {
            Issue.record("expected a head")
            return
        }
        #expect(head.status == .switchingProtocols && ProxyHeaders.isWebSocketUpgrade(head.headers))
        #expect(head.headers["sec-websocket-accept"] == ["s3pPLMBiTxaQ9kYGzzhZRbK+xOo="])
        #expect(head.headers["sec-websocket-protocol"] == ["chat"])
        guard case .end = try #require(try channel.readInbound(as: HTTPClientResponsePart.self)) else {
            Issue.record("expected the end")
            return
        }
    }

    @Test("a refusal passes on as a response, body and end")
    func codecPassesRefusal() throws {
        let channel = EmbeddedChannel(handler: HTTP2UpstreamWebSocketCodec(scheme: "https"))
        try channel.writeOutbound(HTTPClientRequestPart.head(upgradeHead()))
        try channel.writeInbound(HTTP2Frame.FramePayload.headers(.init(headers: HPACKHeaders([(":status", "403")]))))
        try channel.writeInbound(HTTP2Frame.FramePayload.data(.init(data: .byteBuffer(ByteBuffer(string: "no")), endStream: true)))
        var parts: [String] = []
        while let part = try channel.readInbound(as: HTTPClientResponsePart.self) {
            switch part {
            case .head(let head): parts.append("head \(head.status.code)")
            case .body(let body): parts.append("body \(String(buffer: body))")
            case .end: parts.append("end")
            }
        }
        #expect(parts == ["head 403", "body no", "end"])
    }
}
