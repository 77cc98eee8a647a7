import NIOCore
import NIOEmbedded
import NIOWebSocket
import SluiceClient
import Testing
@testable import SluiceGateway

/// Streams of request messages over one socket, on an EmbeddedChannel: items and ends find the stream their id
/// opened, strays are refused, a backlog stops reading, and the socket going away cancels the call.
@Suite("WebSocket request streams")
struct WebSocketStreamTests {
    /// Opens a stream for `/stream` requests and answers with the items' JSON once they end; other paths are
    /// answered at once. Item writes complete at once unless `holdWrites`.
    final class StreamingHandler: GatewayRequestHandler, RequestMessageConsumer, @unchecked Sendable {
        // @unchecked: only touched on the EmbeddedEventLoop's single thread.
        var items: [String] = []
        var holdWrites = false
        var stream: RequestMessageStream?
        var cancellation: CallCancellation?
        var answer: ((String) -> Void)?

        func handle<Responder: GatewayResponder>(
            _ request: GatewayRequest, on eventLoop: any EventLoop, allocator: ByteBufferAllocator, responder: Responder
        ) {
            guard request.path == "/stream", let stream = request.messages?.open() else {
                return responder.respond(GatewayResponse(status: 200, body: allocator.buffer(string: "{}")))
            }
            self.stream = stream
            cancellation = request.cancellation
            answer = { responder.respond(GatewayResponse(status: 200, body: allocator.buffer(string: "[\($0)]"))) }
            stream.attach(self)
        }

        func received(_ item: RequestMessageStream.Item) {
            items.append(String(buffer: item.json))
            if !holdWrites { stream?.written() }
        }

        func ended() {
            answer?(items.joined(separator: ","))
        }
    }

    final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = Any
        var reads = 0

        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    struct Harness {
        let channel = EmbeddedChannel()
        let handler = StreamingHandler()
        let reads = ReadCounter()

        init(maxInFlight: Int = 4) throws {
            try channel.pipeline.syncOperations.addHandler(reads)
            try WebSocketConnectionHandler.addHandlers(
                to: channel.pipeline.syncOperations, settings: WebSocketSettings(maxMessageSize: 120, maxInFlight: maxInFlight),
                idleTimeout: .seconds(60), scheme: "http", handler: handler)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        }

        func send(_ texts: String...) throws {
            var bytes: [UInt8] = []
            for text in texts { bytes += WebSocketConnectionHandlerTests.frame(0x1, text) }
            try channel.writeInbound(channel.allocator.buffer(bytes: bytes))
            channel.embeddedEventLoop.run()
        }

        func replies() throws -> [String] {
            var bytes: [UInt8] = []
            while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
                bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
            }
            return WebSocketConnectionHandlerTests.frames(bytes[...]).map { String(decoding: $0.1, as: UTF8.self) }
        }
    }

    @Test("the opening body, then each item under the id, then the end: one reply; a later item has no stream")
    func itemsAndEnd() throws {
        let h = try Harness()
        try h.send(#"{"id":"s","method":"POST","path":"/stream","body":{"a":1}}"#, #"{"id":"s","body":{"a":2}}"#)
        #expect(h.handler.items == [#"{"a":1}"#, #"{"a":2}"#])
        #expect(try h.replies().isEmpty)
        try h.send(#"{"id":"s","end":true}"#)
        #expect(try h.replies() == [#"{"id":"s","status":200,"headers":{},"body":[{"a":1},{"a":2}]}"#])
        try h.send(#"{"id":"s","body":{"a":3}}"#)
        let stray = try h.replies()
        #expect(stray.count == 1)
        #expect(stray.first?.hasPrefix(#"{"id":"s","status":400"#) == true)
        #expect(stray.first?.contains("no open stream with id \\\"s\\\"") == true, "\(stray)")
    }

    @Test("a route that opens no stream leaves its id free; a request reusing an open stream's id is refused")
    func ids() throws {
        let h = try Harness()
        try h.send(#"{"id":1,"method":"GET","path":"/x"}"#, #"{"id":1,"end":true}"#)
        let unary = try h.replies()
        #expect(unary.count == 2)
        #expect(unary.last?.contains("no open stream with id 1") == true)
        try h.send(#"{"id":2,"method":"POST","path":"/stream"}"#, #"{"id":2,"method":"GET","path":"/x"}"#)
        let reused = try h.replies()
        #expect(reused.count == 1)
        #expect(reused.first?.contains("a stream with id 2 is open") == true)
    }

    @Test("at max_in_flight an open stream's messages are still read and delivered")
    func streamAtTheBound() throws {
        let h = try Harness(maxInFlight: 1)
        try h.send(#"{"id":"s","method":"POST","path":"/stream"}"#)
        let before = h.reads.reads
        h.channel.read()
        #expect(h.reads.reads == before + 1)
        try h.send(#"{"id":"w","method":"GET","path":"/x"}"#, #"{"id":"s","body":5}"#)
        #expect(h.handler.items == ["5"])
        let reading = h.reads.reads
        h.channel.read()
        #expect(h.reads.reads == reading + 1, "one request waits: the stream's messages are still read")
        // More than max_in_flight waiting requests: no more reading until the stream's reply.
        try h.send(#"{"id":"v","method":"GET","path":"/x"}"#)
        let held = h.reads.reads
        h.channel.read()
        #expect(h.reads.reads == held)
        try h.send(#"{"id":"s","end":true}"#)
        #expect(try h.replies() == [
            #"{"id":"s","status":200,"headers":{},"body":[5]}"#, #"{"id":"w","status":200,"headers":{},"body":{}}"#,
            #"{"id":"v","status":200,"headers":{},"body":{}}"#,
        ])
    }

    @Test("more than a few unwritten items stop reading; writes resume it")
    func backlog() throws {
        let h = try Harness()
        h.handler.holdWrites = true
        try h.send(#"{"id":"s","method":"POST","path":"/stream"}"#)
        for index in 0...RequestMessageStream.highWater { try h.send(#"{"id":"s","body":\#(index)}"#) }
        let held = h.reads.reads
        h.channel.read()
        #expect(h.reads.reads == held, "reading stops while items wait for the backend")
        let stream = try #require(h.handler.stream)
        for _ in 0..<(RequestMessageStream.highWater + 1 - RequestMessageStream.lowWater) { stream.written() }
        #expect(h.reads.reads == held + 1, "the held read goes on once the backlog is down")
    }

    @Test("the socket going away cancels an open stream's call")
    func closeCancels() throws {
        let h = try Harness()
        try h.send(#"{"id":"s","method":"POST","path":"/stream","body":1}"#)
        let cancellation = try #require(h.handler.cancellation)
        #expect(!cancellation.isCancelled)
        h.channel.pipeline.fireChannelInactive()
        #expect(cancellation.isCancelled)
    }

    @Test("the client's close cancels a stream whose requests have not ended")
    func clientCloseCancels() throws {
        let h = try Harness()
        try h.send(#"{"id":"s","method":"POST","path":"/stream"}"#)
        var close: [UInt8] = [0x88, 0x82, 1, 2, 3, 4]
        close += [0x03, 0xE8].enumerated().map { UInt8($0.element) ^ [1, 2, 3, 4][$0.offset] }
        try h.channel.writeInbound(h.channel.allocator.buffer(bytes: close))
        h.channel.embeddedEventLoop.run()
        #expect(h.handler.cancellation?.isCancelled == true)
    }
}
