import NIOCore
import NIOEmbedded
import SluiceClient
import Testing
@testable import SluiceGateway

/// Routes to server-streaming (and bidi) methods: the first message starts a streamed response whose parts
/// the adapter takes at its own pace; an end before any message is an ordinary response.
@Suite("Streamed responses from gRPC services")
struct GRPCStreamingDispatchTests {
    /// Collects what a stream hands over, and says whether it takes more.
    final class Sink: ResponseStreamSink {
        var parts: [String] = []
        var ended = false
        var isWritable = true
        let format: ResponseStreamFormat

        init(format: ResponseStreamFormat = .ndjson) { self.format = format }

        func write(_ part: ResponseStream.Part) {
            parts.append(String(buffer: format.frame(part, allocator: ByteBufferAllocator())))
        }

        func end() { ended = true }
    }

    static let watchRoute = """
    routes:
      - {method: GET, path: "/v1/orders/{name}:watch", service: orders, call: OrderService.Watch}
    """

    func harness(_ messages: [String], end: Result<GRPCReply, any Error> = .success(GRPCReply(statusCode: 0))) throws -> GRPCDispatchHarness {
        var harness: GRPCDispatchHarness!
        harness = try GRPCDispatchHarness(routes: Self.watchRoute) { _ in .failure(ClientError(.protocolError, "unary")) }
        let encoded = try messages.map { try harness.encode("shop.v1.Order", $0) }
        harness.caller.streamAnswer = { _ in (encoded, end) }
        return harness
    }

    @Test("messages as NDJSON lines, asked for one at a time while the sink is writable")
    func ndjson() throws {
        let harness = try harness([#"{"customerId":"a"}"#, #"{"total":"2"}"#, "{}"])
        let box = harness.send("GET", "/v1/orders/o1:watch?full=true")
        let response = try #require(box.only)
        #expect(response.status == 200)
        #expect(response.contentType == "application/x-ndjson")
        // response_metadata: the response headers, which came before the first message.
        #expect(response.headers.map { "\($0.name)=\($0.value)" } == ["x-served-by=s1"])
        let stream = try #require(response.stream)
        let call = try #require(harness.caller.calls.first)
        #expect(call.path == "/shop.v1.OrderService/Watch")
        #expect(try harness.decode("shop.v1.GetOrderRequest", call.message) == #"{"name":"o1","full":true}"#)
        // Only the first message was asked for before the head went out.
        #expect(harness.caller.lastStream?.requested == 1)
        let sink = Sink()
        sink.isWritable = false
        stream.attach(sink)
        #expect(sink.parts == [#"{"customerId":"a"}"# + "\n"])
        #expect(harness.caller.lastStream?.requested == 1)
        sink.isWritable = true
        stream.writable()
        harness.loop.run()
        #expect(sink.parts == [#"{"customerId":"a"}"# + "\n", #"{"total":"2"}"# + "\n", "{}\n"])
        #expect(sink.ended)
    }

    @Test("SSE when the client accepts text/event-stream; a status after the first message is the last event")
    func sseWithError() throws {
        let harness = try harness(
            [#"{"total":"1"}"#], end: .success(GRPCReply(statusCode: 5, statusMessage: "gone away")))
        let box = harness.send("GET", "/v1/orders/o1:watch", headers: [("Accept", "text/html, text/event-stream;q=0.9")])
        let response = try #require(box.only)
        #expect(response.contentType == "text/event-stream")
        #expect(response.headers.map { "\($0.name)=\($0.value)" } == ["cache-control=no-cache", "x-served-by=s1"])
        let sink = Sink(format: .sse)
        try #require(response.stream).attach(sink)
        harness.loop.run()
        #expect(sink.parts == ["data: {\"total\":\"1\"}\n\n", "event: error\ndata: {\"code\":5,\"message\":\"gone away\",\"details\":[]}\n\n"])
        #expect(sink.ended)
    }

    @Test("an NDJSON error line wraps the status; a transport failure mid-stream is UNAVAILABLE")
    func ndjsonError() throws {
        let harness = try harness([#"{"total":"1"}"#], end: .failure(ClientError(.connectionClosed, "reset at 10.0.0.1")))
        let box = harness.send("GET", "/v1/orders/o1:watch")
        let sink = Sink()
        try #require(box.only?.stream).attach(sink)
        harness.loop.run()
        #expect(sink.parts.last == #"{"error":{"code":14,"message":"service 'orders' closed the connection before answering","details":[]}}"# + "\n")
    }

    @Test("a status before any message is an ordinary response with its HTTP status; no message and OK is an empty 200")
    func endBeforeFirstMessage() throws {
        let failing = try harness([], end: .success(GRPCReply(statusCode: 5, statusMessage: "no such order")))
        let box = failing.send("GET", "/v1/orders/o1:watch")
        #expect(box.only?.status == 404)
        #expect(box.only?.stream == nil)
        #expect(box.bodyText == #"{"code":5,"message":"no such order","details":[]}"#)
        let empty = try harness([])
        let emptyBox = empty.send("GET", "/v1/orders/o1:watch", headers: [("accept", "text/event-stream")])
        #expect(emptyBox.only?.status == 200)
        #expect(emptyBox.only?.contentType == "text/event-stream")
        #expect(emptyBox.bodyText == "")
    }

    @Test("cancelling the stream (the client went away) cancels the call; nothing more is written")
    func cancel() throws {
        let harness = try harness([#"{"total":"1"}"#, #"{"total":"2"}"#])
        let box = harness.send("GET", "/v1/orders/o1:watch")
        let stream = try #require(box.only?.stream)
        stream.cancel()
        #expect(harness.caller.lastStream?.cancelled == true)
        let sink = Sink()
        stream.attach(sink)
        harness.loop.run()
        #expect(sink.parts.isEmpty)
        #expect(!sink.ended)
    }

    @Test("bidi over HTTP: the body's messages go out, the replies stream back")
    func bidi() throws {
        var harness: GRPCDispatchHarness!
        harness = try GRPCDispatchHarness(routes: """
        routes:
          - {method: POST, path: /chat, service: orders, call: OrderService.Chat, body: "*"}
        """) { _ in .failure(ClientError(.protocolError, "unary")) }
        let replies = try [#"{"total":"1"}"#, #"{"total":"2"}"#].map { try harness.encode("shop.v1.Order", $0) }
        harness.caller.streamAnswer = { _ in (replies, .success(GRPCReply(statusCode: 0))) }
        let box = harness.send("POST", "/chat", headers: [("content-type", "application/x-ndjson")], body: "{\"total\":5}\n{\"tags\":[\"x\"]}\n")
        let call = try #require(harness.caller.calls.first)
        #expect(try call.messages?.map { try harness.decode("shop.v1.Order", $0) } == [#"{"total":"5"}"#, #"{"tags":["x"]}"#])
        let sink = Sink()
        try #require(box.only?.stream).attach(sink)
        harness.loop.run()
        #expect(sink.parts == [#"{"total":"1"}"# + "\n", #"{"total":"2"}"# + "\n"])
        #expect(sink.ended)
    }

    @Test("accept negotiation", arguments: [
        ("text/event-stream", ResponseStreamFormat.sse),
        ("TEXT/Event-Stream; charset=utf-8", .sse),
        ("application/json, text/event-stream;q=0", .ndjson),
        ("text/event-stream;q=0.000", .ndjson),
        ("text/event-stream;q=0.5", .sse),
        ("*/*", .ndjson),
    ])
    func negotiate(accept: String, expected: ResponseStreamFormat) {
        #expect(ResponseStreamFormat.negotiate(accept: [accept]) == expected)
    }
}
