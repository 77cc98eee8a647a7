import NIOCore
import NIOEmbedded
import SluiceClient
import Testing
@testable import SluiceGateway

/// Client-streaming and bidi calls whose request messages an adapter streams (WebSocket items): each item is
/// encoded and sent as it comes, written at the backend's pace, and a bad one ends the call with a 400.
@Suite("gRPC calls streaming their requests")
struct GRPCRequestStreamingTests {
    /// Records what the call sends; writes complete when the test says (the stream's flow-control window).
    final class Sender: GRPCMessageSender, @unchecked Sendable {
        // @unchecked: driven from one EmbeddedEventLoop's thread.
        let loop: EmbeddedEventLoop
        var sent: [ByteBuffer] = []
        var writes: [EventLoopPromise<Void>] = []
        var finished = false

        init(loop: EmbeddedEventLoop) { self.loop = loop }

        func send(_ message: ByteBuffer) -> EventLoopFuture<Void> {
            sent.append(message)
            let promise = loop.makePromise(of: Void.self)
            writes.append(promise)
            return promise.futureResult
        }

        func finish() { finished = true }

        func writeAll() {
            let pending = writes
            writes = []
            for promise in pending { promise.succeed() }
        }
    }

    /// A response side the test drives: messages pushed as the backend would send them, delivered on demand.
    final class Responses: GRPCMessageStream, @unchecked Sendable {
        // @unchecked: driven from one EmbeddedEventLoop's thread.
        let promise: EventLoopPromise<GRPCReply>
        let onMessage: (@Sendable (ByteBuffer) -> Void)?
        var queued: [ByteBuffer] = []
        var demand = 0
        var headers: [(name: String, value: String)] { [] }

        init(loop: EmbeddedEventLoop, onMessage: (@Sendable (ByteBuffer) -> Void)?) {
            self.promise = loop.makePromise()
            self.onMessage = onMessage
        }

        var reply: EventLoopFuture<GRPCReply> { promise.futureResult }

        func request(_ count: Int) {
            demand += count
            deliver()
        }

        func push(_ message: ByteBuffer) {
            queued.append(message)
            deliver()
        }

        private func deliver() {
            while demand > 0, !queued.isEmpty {
                demand -= 1
                onMessage?(queued.removeFirst())
            }
        }
    }

    /// The adapter's side: opens the stream a request asks for.
    final class Source: RequestMessageSource {
        let loop: EmbeddedEventLoop
        let first: RequestMessageStream.Item?
        var stream: RequestMessageStream?
        var drained = 0

        init(loop: EmbeddedEventLoop, first: String?) {
            self.loop = loop
            self.first = first.map { RequestMessageStream.Item(json: ByteBuffer(string: $0), field: "$.body", offset: 30) }
        }

        func openMessages(for request: UInt64) -> RequestMessageStream? {
            guard stream == nil else { return nil }
            let stream = RequestMessageStream(first: first, ended: false, eventLoop: loop) { [weak self] in self?.drained += 1 }
            self.stream = stream
            return stream
        }

        func item(_ json: String, offset: Int = 12) {
            stream?.append(RequestMessageStream.Item(json: ByteBuffer(string: json), field: "$.body", offset: offset))
            loop.run()
        }
    }

    struct Setup {
        let harness: GRPCDispatchHarness
        let sender: Sender
        let source: Source
        let box: ResponseBox
        var responses: Responses?
        var cancellation: CallCancellation?
    }

    static let routes = """
    routes:
      - {method: POST, path: /import, service: orders, call: OrderService.Import, body: "*"}
      - {method: POST, path: /chat, service: orders, call: OrderService.Chat, body: "*"}
      - {method: POST, path: "/v1/orders/{name}:get", service: orders, call: OrderService.GetOrder}
    """

    /// Sends `path` with a message stream whose first item is `first`.
    func start(_ path: String, first: String?) throws -> Setup {
        let harness = try GRPCDispatchHarness(routes: Self.routes) { _ in .failure(ClientError(.protocolError, "unary")) }
        let sender = Sender(loop: harness.loop)
        var responses: Responses?
        var cancellation: CallCancellation?
        harness.caller.requestStreamAnswer = { _, callCancellation, onMessage in
            let made = Responses(loop: harness.loop, onMessage: onMessage)
            responses = made
            cancellation = callCancellation
            return (sender, made)
        }
        let source = Source(loop: harness.loop, first: first)
        var request = GatewayRequest(
            method: "POST", target: path, headers: GatewayHeaders([(name: "content-type", value: "application/json")]),
            body: first.map { ByteBuffer(string: $0) })
        request.messages = RequestMessageOpener(source: source, request: 0, eventLoop: harness.loop)
        let box = ResponseBox()
        harness.dispatcher.handle(request, on: harness.loop, allocator: ByteBufferAllocator(), responder: ResponseBox.Responder(box: box))
        harness.loop.run()
        return Setup(harness: harness, sender: sender, source: source, box: box, responses: responses, cancellation: cancellation)
    }

    @Test("client streaming: the opening body and each item are sent as they come; the end ends the request side; one reply")
    func clientStreaming() throws {
        let setup = try start("/import", first: #"{"total": 1}"#)
        #expect(setup.harness.caller.calls.map(\.path) == ["/shop.v1.OrderService/Import"])
        #expect(try setup.sender.sent.map { try setup.harness.decode("shop.v1.Order", $0) } == [#"{"total":"1"}"#])
        setup.source.item(#"{"total": 2}"#)
        #expect(setup.sender.sent.count == 2)
        #expect(setup.box.responses.isEmpty)
        setup.source.stream?.end()
        #expect(setup.sender.finished)
        let reply = try setup.harness.encode("shop.v1.ListReply", #"{"next": "3"}"#)
        try #require(setup.responses).promise.succeed(GRPCReply(statusCode: 0, message: reply))
        setup.harness.loop.run()
        #expect(setup.box.only?.status == 200)
        #expect(setup.box.bodyText == #"{"next":"3"}"#)
    }

    @Test("a route that does not stream requests leaves the stream unopened and takes the body as usual")
    func unaryRouteIgnoresTheStream() throws {
        let harness = try GRPCDispatchHarness(routes: Self.routes) { _ in .success(GRPCReply(statusCode: 5, statusMessage: "none")) }
        let source = Source(loop: harness.loop, first: nil)
        var request = GatewayRequest(method: "POST", target: "/v1/orders/o1:get", headers: GatewayHeaders(), body: nil)
        request.messages = RequestMessageOpener(source: source, request: 0, eventLoop: harness.loop)
        let box = ResponseBox()
        harness.dispatcher.handle(request, on: harness.loop, allocator: ByteBufferAllocator(), responder: ResponseBox.Responder(box: box))
        harness.loop.run()
        #expect(source.stream == nil)
        #expect(box.only?.status == 404)
    }

    @Test("a bad item is a 400 naming $.body and its offset in the message; the call is cancelled")
    func badItem() throws {
        let setup = try start("/import", first: nil)
        setup.source.item(#"{"total": "x"}"#, offset: 20)
        let response = try #require(setup.box.only)
        #expect(response.status == 400)
        #expect(setup.box.bodyText?.contains(#""field":"$.body.total""#) == true, "\(setup.box.bodyText ?? "")")
        #expect(setup.box.bodyText?.contains(#""offset":30"#) == true, "\(setup.box.bodyText ?? "")")
        #expect(setup.cancellation?.isCancelled == true)
        // The call's end after the cancellation changes nothing.
        try #require(setup.responses).promise.fail(ClientError(.cancelled, "cancelled"))
        setup.harness.loop.run()
        #expect(setup.box.responses.count == 1)
    }

    @Test("bidi: a reply streams back before the client ends; a bad item later is the stream's last part, a 400")
    func bidi() throws {
        let setup = try start("/chat", first: #"{"total": 1}"#)
        let responses = try #require(setup.responses)
        #expect(setup.sender.sent.count == 1)
        responses.push(try setup.harness.encode("shop.v1.Order", #"{"total": 10}"#))
        setup.harness.loop.run()
        let stream = try #require(setup.box.only?.stream)
        let sink = GRPCStreamingDispatchTests.Sink()
        stream.attach(sink)
        #expect(sink.parts == [#"{"total":"10"}"# + "\n"])
        setup.source.item(#"{"total": 2}"#)
        responses.push(try setup.harness.encode("shop.v1.Order", #"{"total": 20}"#))
        setup.harness.loop.run()
        #expect(sink.parts.count == 2)
        setup.source.item(#"{"customerId": 2}"#)
        #expect(setup.cancellation?.isCancelled == true)
        #expect(sink.ended)
        #expect(sink.parts.last?.contains(#""code":"wrong_type","message":"#) == true, "\(sink.parts)")
        #expect(sink.parts.last?.contains(#""field":"$.body.customerId""#) == true, "\(sink.parts)")
    }

    @Test("items past the high-water mark make the stream backlogged until writes bring it to the low-water mark")
    func backlog() throws {
        let setup = try start("/import", first: nil)
        let stream = try #require(setup.source.stream)
        for total in 1...RequestMessageStream.highWater { setup.source.item(#"{"total": \#(total)}"#) }
        #expect(!stream.isBacklogged)
        setup.source.item(#"{"total": 99}"#)
        #expect(stream.isBacklogged)
        // Written one by one, as the backend's window opens.
        for _ in 0..<(RequestMessageStream.highWater - RequestMessageStream.lowWater) {
            setup.sender.writes.removeFirst().succeed()
            setup.harness.loop.run()
        }
        #expect(stream.isBacklogged)
        #expect(setup.source.drained == 0)
        setup.sender.writes.removeFirst().succeed()
        setup.harness.loop.run()
        #expect(!stream.isBacklogged)
        #expect(setup.source.drained == 1)
    }
}
