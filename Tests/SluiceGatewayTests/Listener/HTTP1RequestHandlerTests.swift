import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
@testable import SluiceGateway

@Suite("HTTP/1.1 adapter")
struct HTTP1RequestHandlerTests {
    @Test("a Content-Length body is collected and the response carries server, content-type and length")
    func contentLength() throws {
        let harness = try HTTP1Harness()
        try harness.send("POST /v1/echo/x?a=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world")
        let responses = HTTP1Harness.responses(try harness.output())
        #expect(responses.count == 1)
        let head = try #require(responses.first?.head)
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(head.contains("server: sluice"))
        #expect(head.contains("content-type: application/json"))
        #expect(!head.contains("connection: close"))
        #expect(responses.first?.body == #"{"method":"POST","path":"/v1/echo/x","query":"a=1","body":11}"#)
        #expect(harness.handler.requests.first?.body.map { String(buffer: $0) } == "hello world")
        #expect(harness.channel.isActive)
    }

    @Test("a chunked body arrives whole")
    func chunked() throws {
        let harness = try HTTP1Harness()
        try harness.send("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
        try harness.send("6\r\n world\r\n0\r\n\r\n")
        let responses = HTTP1Harness.responses(try harness.output())
        #expect(responses.map(\.body) == [#"{"method":"POST","path":"/c","query":"","body":11}"#])
        #expect(harness.handler.requests.first?.body.map { String(buffer: $0) } == "hello world")
    }

    @Test("keep-alive: several requests on one connection, each answered")
    func keepAlive() throws {
        let harness = try HTTP1Harness()
        for index in 0..<3 {
            try harness.send("GET /k/\(index) HTTP/1.1\r\nHost: h\r\n\r\n")
        }
        let responses = HTTP1Harness.responses(try harness.output())
        #expect(responses.map(\.body) == (0..<3).map { #"{"method":"GET","path":"/k/\#($0)","query":"","body":-1}"# })
        #expect(harness.channel.isActive)
    }

    @Test("pipelining: a slow first response still goes out before the second")
    func pipelining() throws {
        let harness = try HTTP1Harness()
        try harness.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\nGET /fast HTTP/1.1\r\nHost: h\r\n\r\n")
        // The second request is held back until the first is answered.
        #expect(harness.handler.requests.map(\.path) == ["/slow"])
        #expect(try harness.output() == "")
        harness.handler.releaseSlow()
        harness.channel.embeddedEventLoop.run()
        let responses = HTTP1Harness.responses(try harness.output())
        #expect(responses.map(\.body) == [
            #"{"method":"GET","path":"/slow","query":"","body":-1}"#,
            #"{"method":"GET","path":"/fast","query":"","body":-1}"#,
        ])
    }

    @Test("Connection: close is honoured and closes after the response")
    func connectionClose() throws {
        let harness = try HTTP1Harness()
        try harness.send("GET /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        let responses = HTTP1Harness.responses(try harness.output())
        #expect(responses.first?.head.contains("connection: close") == true)
        harness.channel.embeddedEventLoop.run()
        #expect(!harness.channel.isActive)
    }

    @Test("a declared Content-Length over the limit is refused with 413 before the body arrives")
    func tooLargeDeclared() throws {
        let harness = try HTTP1Harness(maxBodySize: 8)
        try harness.send("POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\n")
        let responses = HTTP1Harness.responses(try harness.output())
        #expect(responses.first?.head.hasPrefix("HTTP/1.1 413 Payload Too Large") == true)
        #expect(responses.first?.head.contains("connection: close") == true)
        #expect(responses.first?.body == #"{"error":{"code":"payload_too_large","message":"the request body is larger than the limit"}}"#)
        #expect(harness.handler.requests.isEmpty)
        harness.channel.embeddedEventLoop.run()
        #expect(!harness.channel.isActive)
    }

    @Test("a chunked body growing over the limit is refused with 413")
    func tooLargeChunked() throws {
        let harness = try HTTP1Harness(maxBodySize: 8)
        try harness.send("POST /big HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
        #expect(try harness.output() == "")
        try harness.send("5\r\nworld\r\n0\r\n\r\n")
        let responses = HTTP1Harness.responses(try harness.output())
        #expect(responses.first?.head.hasPrefix("HTTP/1.1 413") == true)
        #expect(harness.handler.requests.isEmpty)
    }

    @Test("Expect: 100-continue gets 100 Continue before the body, then the response")
    func expectContinue() throws {
        let harness = try HTTP1Harness()
        try harness.send("POST /e HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        #expect(try harness.output() == "HTTP/1.1 100 Continue\r\n\r\n")
        try harness.send("{}")
        #expect(HTTP1Harness.responses(try harness.output()).first?.head.hasPrefix("HTTP/1.1 200") == true)
    }

    @Test("Expect: 100-continue over the limit is refused without 100 Continue")
    func expectContinueTooLarge() throws {
        let harness = try HTTP1Harness(maxBodySize: 1)
        try harness.send("POST /e HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        #expect(try harness.output().hasPrefix("HTTP/1.1 413"))
    }

    @Test("a body exactly at the limit is accepted")
    func atLimit() throws {
        let harness = try HTTP1Harness(maxBodySize: 5)
        try harness.send("POST /ok HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello")
        #expect(HTTP1Harness.responses(try harness.output()).first?.head.hasPrefix("HTTP/1.1 200") == true)
    }

    @Test("HTTP/1.0 without keep-alive closes after the response")
    func http10() throws {
        let harness = try HTTP1Harness()
        try harness.send("GET /x HTTP/1.0\r\n\r\n")
        let responses = HTTP1Harness.responses(try harness.output())
        #expect(responses.first?.head.contains("connection: close") == true)
        harness.channel.embeddedEventLoop.run()
        #expect(!harness.channel.isActive)
    }

    // IdleStateHandler measures with the wall clock, so the test fires its event rather than waiting for it.
    @Test("an idle keep-alive connection closes on the idle event; one awaiting its backend does not")
    func idleTimeout() throws {
        let idle = try HTTP1Harness()
        try idle.send("GET /x HTTP/1.1\r\nHost: h\r\n\r\n")
        _ = try idle.output()
        idle.channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        idle.channel.embeddedEventLoop.run()
        #expect(!idle.channel.isActive)

        let busy = try HTTP1Harness()
        try busy.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n")
        busy.channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        busy.channel.embeddedEventLoop.run()
        #expect(busy.channel.isActive)
        busy.handler.releaseSlow()
        #expect(HTTP1Harness.responses(try busy.output()).count == 1)
    }

    @Test("unparsable requests get NIOHTTP1's 400 and the connection closes")
    func garbage() throws {
        let harness = try HTTP1Harness()
        try? harness.send("NOT HTTP AT ALL\r\n\r\n")
        #expect(try harness.output().hasPrefix("HTTP/1.1 400 Bad Request"))
    }
}

@Suite("HTTP/1.1 request state machine")
struct HTTP1RequestStateMachineTests {
    func head(_ headers: [(String, String)] = [], version: HTTPVersion = .http1_1) -> HTTPRequestHead {
        HTTPRequestHead(version: version, method: .POST, uri: "/x", headers: HTTPHeaders(headers))
    }

    @Test("head, body chunks, end -> one dispatch with the bytes joined; then idle again")
    func collects() {
        var machine = HTTP1RequestStateMachine(maxBodySize: 10)
        guard case .none = machine.receivedHead(head()) else { Issue.record("head"); return }
        guard case .none = machine.receivedBody(ByteBuffer(string: "abc")) else { Issue.record("body"); return }
        guard case .none = machine.receivedBody(ByteBuffer(string: "def")) else { Issue.record("body"); return }
        guard case .dispatch(_, let body) = machine.receivedEnd() else { Issue.record("end"); return }
        #expect(body.map { String(buffer: $0) } == "abcdef")
        let keepAlive = machine.responseWritten()
        #expect(keepAlive)
        guard case .idle = machine.state else { Issue.record("not idle"); return }
    }

    @Test("over the limit: refuse once, then ignore the rest of the request and anything pipelined behind it")
    func refuses() {
        var machine = HTTP1RequestStateMachine(maxBodySize: 4)
        _ = machine.receivedHead(head())
        guard case .refuseTooLarge = machine.receivedBody(ByteBuffer(string: "hello")) else { Issue.record("refuse"); return }
        guard case .none = machine.receivedBody(ByteBuffer(string: "more")) else { Issue.record("ignore"); return }
        guard case .none = machine.receivedEnd() else { Issue.record("end"); return }
        guard case .none = machine.receivedHead(head()) else { Issue.record("pipelined"); return }
        let keepAlive = machine.responseWritten()
        #expect(!keepAlive)
    }

    @Test("a request without keep-alive does not stay open")
    func closes() {
        var machine = HTTP1RequestStateMachine(maxBodySize: 4)
        _ = machine.receivedHead(head([("connection", "close")]))
        _ = machine.receivedEnd()
        let keepAlive = machine.responseWritten()
        #expect(!keepAlive)
    }
}
