import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
@testable import SluiceGateway

/// A streamed response holds the connection's output from its head to its end; what was pipelined behind it
/// waits, in order.
@Suite("HTTP/1.1 connection state machine: streamed responses")
struct HTTP1ConnectionStateMachineStreamTests {
    typealias Machine = HTTP1ConnectionStateMachine
    let base = HTTP1ConnectionStateMachineTests()

    func streamed() -> GatewayResponse {
        var response = GatewayResponse(status: 200, body: nil, contentType: "application/x-ndjson")
        response.stream = ResponseStream(
            format: .ndjson, first: nil, eventLoop: EmbeddedEventLoop(), request: { _ in }, cancel: {})
        return response
    }

    @Test("the stream goes out in its turn; the answer pipelined behind it waits for its end")
    func order() throws {
        var machine = base.machine()
        let first = try #require(base.request(&machine, base.head("/1")))
        let second = try #require(base.request(&machine, base.head("/2")))
        #expect(!base.answer(&machine, base.response("b"), second))
        #expect(base.answer(&machine, streamed(), first))
        #expect(base.drain(&machine) == ["stream 200 keepAlive"])
        #expect(machine.isStreaming)
        #expect(base.drain(&machine) == [])
        #expect(base.fire(&machine, at: HTTP1ConnectionStateMachineTests.start + .seconds(9)) == .check(at: HTTP1ConnectionStateMachineTests.start + .seconds(14)))
        let closes = machine.streamEnded()
        #expect(!closes)
        #expect(base.drain(&machine) == ["write b keepAlive"])
    }

    @Test("an HTTP/1.0 client reads no chunks: the body ends with the connection")
    func http10() throws {
        var machine = base.machine()
        let id = try #require(base.request(&machine, base.head("/1", headers: [("connection", "keep-alive")], version: .http1_0)))
        #expect(base.answer(&machine, streamed(), id))
        #expect(base.drain(&machine) == ["stream 200 close"])
        let closes = machine.streamEnded()
        #expect(closes)
    }

    @Test("shutdown waits for the stream's end, then closes")
    func quiesce() throws {
        var machine = base.machine()
        let id = try #require(base.request(&machine, base.head("/1")))
        #expect(base.answer(&machine, streamed(), id))
        #expect(base.drain(&machine) == ["stream 200 keepAlive"])
        guard case .none = machine.quiesce() else {
            Issue.record("quiesce during a stream acted at once")
            return
        }
        let closes = machine.streamEnded()
        #expect(!closes)
        #expect(base.drain(&machine) == ["close"])
    }

    @Test("a connection that goes away hands back the streams still waiting for their turn, to be cancelled")
    func abandon() throws {
        var machine = base.machine()
        let first = try #require(base.request(&machine, base.head("/1")))
        let second = try #require(base.request(&machine, base.head("/2")))
        let waiting = streamed()
        #expect(!base.answer(&machine, waiting, second))
        _ = first
        let abandoned = machine.abandonStreams()
        #expect(abandoned.count == 1 && abandoned.first === waiting.stream)
        #expect(machine.isClosing)
    }
}
