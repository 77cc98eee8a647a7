import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
@testable import SluiceGateway

@Suite("HTTP/1.1 connection handler")
struct HTTP1ConnectionHandlerTests {
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
        // Both go to the gateway at once; the second's answer waits for the first's.
        #expect(harness.handler.requests.map(\.path) == ["/slow", "/fast"])
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

    @Test("an idle keep-alive connection closes after the idle timeout; activity and a pending backend call keep it open")
    func idleTimeout() throws {
        let idle = try HTTP1Harness(idleTimeout: .seconds(5))
        try idle.send("GET /x HTTP/1.1\r\nHost: h\r\n\r\n")
        _ = try idle.output()
        idle.channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        try idle.send("GET /y HTTP/1.1\r\nHost: h\r\n\r\n")
        idle.channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        #expect(idle.channel.isActive)  // 3 s since the last request
        idle.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!idle.channel.isActive)

        let busy = try HTTP1Harness(idleTimeout: .seconds(5))
        try busy.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n")
        busy.channel.embeddedEventLoop.advanceTime(by: .seconds(12))
        #expect(busy.channel.isActive)
        busy.handler.releaseSlow()
        #expect(HTTP1Harness.responses(try busy.output()).count == 1)
        busy.channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        #expect(!busy.channel.isActive)
    }

    @Test("a stalled request body is closed by the idle timeout")
    func stalledBody() throws {
        let harness = try HTTP1Harness(idleTimeout: .seconds(5))
        try harness.send("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc")
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        #expect(!harness.channel.isActive)
        #expect(harness.handler.requests.isEmpty)
    }

    @Test("HEAD gets the length of the body it would have, and no body")
    func head() throws {
        let harness = try HTTP1Harness()
        try harness.send("HEAD /h HTTP/1.1\r\nHost: h\r\n\r\nGET /g HTTP/1.1\r\nHost: h\r\n\r\n")
        let body = #"{"method":"HEAD","path":"/h","query":"","body":-1}"#
        let output = try harness.output()
        let first = try #require(output.range(of: "\r\n\r\n"))
        #expect(output[..<first.lowerBound].contains("content-length: \(body.utf8.count)"))
        // The next response starts right after the head.
        #expect(output[first.upperBound...].hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(output.hasSuffix(#"{"method":"GET","path":"/g","query":"","body":-1}"#))
    }

    @Test("HTTP/1.0 with keep-alive is told keep-alive and stays open")
    func http10KeepAlive() throws {
        let harness = try HTTP1Harness()
        try harness.send("GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let responses = HTTP1Harness.responses(try harness.output())
        #expect(responses.first?.head.contains("connection: keep-alive") == true)
        harness.channel.embeddedEventLoop.run()
        #expect(harness.channel.isActive)
    }

    @Test("requests pipelined behind Connection: close are not served")
    func pipelinedAfterClose() throws {
        let harness = try HTTP1Harness()
        try harness.send("GET /a HTTP/1.1\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(harness.handler.requests.map(\.path) == ["/a"])
        #expect(HTTP1Harness.responses(try harness.output()).count == 1)
        harness.channel.embeddedEventLoop.run()
        #expect(!harness.channel.isActive)
    }

    @Test("at most maxPendingRequests are dispatched; the rest wait their turn and are answered in order")
    func boundedPipelining() throws {
        let harness = try HTTP1Harness(maxPendingRequests: 2)
        try harness.send((1...4).map { "GET /slow/\($0) HTTP/1.1\r\nHost: h\r\n\r\n" }.joined())
        #expect(harness.handler.requests.map(\.path) == ["/slow/1", "/slow/2"])
        harness.handler.releaseSlow()
        #expect(harness.handler.requests.map(\.path) == ["/slow/1", "/slow/2", "/slow/3", "/slow/4"])
        harness.handler.releaseSlow()
        let responses = HTTP1Harness.responses(try harness.output())
        #expect(responses.map(\.body) == (1...4).map { #"{"method":"GET","path":"/slow/\#($0)","query":"","body":-1}"# })
    }

    @Test("graceful shutdown: an idle connection closes at once")
    func quiesceIdle() throws {
        let harness = try HTTP1Harness()
        harness.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        harness.channel.embeddedEventLoop.run()
        #expect(!harness.channel.isActive)
    }

    @Test("graceful shutdown: a busy connection answers what it owes with connection: close, then closes")
    func quiesceBusy() throws {
        let harness = try HTTP1Harness()
        try harness.send("GET /slow/1 HTTP/1.1\r\nHost: h\r\n\r\nGET /slow/2 HTTP/1.1\r\nHost: h\r\n\r\n")
        harness.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        try harness.send("GET /late HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(harness.channel.isActive)
        harness.handler.releaseSlow()
        let responses = HTTP1Harness.responses(try harness.output())
        #expect(responses.count == 2)
        #expect(responses.first?.head.contains("connection: close") == false)
        #expect(responses.last?.head.contains("connection: close") == true)
        #expect(!harness.handler.requests.map(\.path).contains("/late"))
        harness.channel.embeddedEventLoop.run()
        #expect(!harness.channel.isActive)
    }

    @Test("a malformed request behind a pending one is answered 400 after it, then the connection closes")
    func malformedAfterPending() throws {
        let harness = try HTTP1Harness()
        try? harness.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\nNOT HTTP AT ALL\r\n\r\n")
        #expect(try harness.output() == "")
        harness.handler.releaseSlow()
        let output = try harness.output()
        #expect(output.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(output.contains("HTTP/1.1 400 Bad Request\r\n"))
        harness.channel.embeddedEventLoop.run()
        #expect(!harness.channel.isActive)
    }

    @Test("Expect: 100-continue behind a pending request waits for that response")
    func expectContinueInOrder() throws {
        let harness = try HTTP1Harness()
        try harness.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\nPOST /e HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        #expect(try harness.output() == "")
        harness.handler.releaseSlow()
        #expect(try harness.output().hasSuffix("HTTP/1.1 100 Continue\r\n\r\n"))
        try harness.send("{}")
        #expect(HTTP1Harness.responses(try harness.output()).first?.head.hasPrefix("HTTP/1.1 200") == true)
    }

    @Test("unparsable requests get 400 and the connection closes")
    func garbage() throws {
        let harness = try HTTP1Harness()
        try? harness.send("NOT HTTP AT ALL\r\n\r\n")
        let output = try harness.output()
        #expect(output.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(output.contains("connection: close\r\n"))
        #expect(output.hasSuffix(#"{"error":{"code":"bad_request","message":"the request is not valid HTTP/1.1"}}"#))
        harness.channel.embeddedEventLoop.run()
        #expect(!harness.channel.isActive)
    }
}
