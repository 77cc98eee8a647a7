import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOWebSocket
import Testing
@testable import SluiceGateway

/// The upgrade and the message protocol on an EmbeddedChannel: raw bytes in, raw bytes out.
@Suite("WebSocket connection handler")
struct WebSocketConnectionHandlerTests {
    static let upgrade = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"

    /// A client frame, masked unless told otherwise.
    static func frame(_ opcode: UInt8, _ text: String, masked: Bool = true) -> [UInt8] {
        let payload = Array(text.utf8)
        precondition(payload.count < 126)
        let key: [UInt8] = [9, 8, 7, 6]
        var bytes: [UInt8] = [0x80 | opcode, (masked ? 0x80 : 0) | UInt8(payload.count)]
        if masked {
            bytes += key
            bytes += payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
        } else {
            bytes += payload
        }
        return bytes
    }

    /// Everything written so far, as bytes: the HTTP head as text (up to its blank line), then the frames.
    static func output(_ harness: HTTP1Harness) throws -> (head: String, frames: [(UInt8, [UInt8])]) {
        var bytes: [UInt8] = []
        while var buffer = try harness.channel.readOutbound(as: ByteBuffer.self) {
            bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
        }
        var headEnd = 0
        if bytes.starts(with: Array("HTTP/".utf8)) {
            while headEnd + 4 <= bytes.count, bytes[headEnd..<headEnd + 4] != [13, 10, 13, 10] { headEnd += 1 }
            headEnd += 4
        }
        return (String(decoding: bytes.prefix(headEnd), as: UTF8.self), frames(bytes.dropFirst(headEnd)))
    }

    /// Server frames: (opcode, payload).
    static func frames(_ bytes: ArraySlice<UInt8>) -> [(UInt8, [UInt8])] {
        var bytes = bytes
        var frames: [(UInt8, [UInt8])] = []
        while bytes.count >= 2 {
            let opcode = bytes[bytes.startIndex] & 0x0F
            var length = Int(bytes[bytes.startIndex + 1] & 0x7F)
            var start = bytes.startIndex + 2
            if length == 126 {
                length = Int(bytes[start]) << 8 | Int(bytes[start + 1])
                start += 2
            }
            frames.append((opcode, Array(bytes[start..<start + length])))
            bytes = bytes[(start + length)...]
        }
        return frames
    }

    func harness() throws -> HTTP1Harness {
        try HTTP1Harness(webSocket: WebSocketSettings(maxMessageSize: 100, maxInFlight: 4))
    }

    func send(_ harness: HTTP1Harness, _ bytes: [UInt8]) throws {
        try harness.channel.writeInbound(harness.channel.allocator.buffer(bytes: bytes))
        harness.channel.embeddedEventLoop.run()
    }

    @Test("a message sent with the upgrade request is answered after the 101, matched by id")
    func upgradeAndMessage() throws {
        let h = try harness()
        try send(h, Array(Self.upgrade.utf8) + Self.frame(0x1, #"{"id":"a","method":"GET","path":"/v1/x?q=1"}"#))
        let (head, frames) = try Self.output(h)
        #expect(head.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"))
        #expect(head.lowercased().contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=\r\n"))
        #expect(h.handler.requests.map(\.path) == ["/v1/x"])
        #expect(frames.map(\.0) == [0x1])
        #expect(frames.first.map { String(decoding: $0.1, as: UTF8.self) }
            == #"{"id":"a","status":200,"headers":{},"body":{"method":"GET","path":"/v1/x","query":"q=1","body":-1}}"#)
    }

    @Test("replies go out as requests complete; a malformed message is answered 400 and the socket stays open")
    func outOfOrderAndMalformed() throws {
        let h = try harness()
        try send(h, Array(Self.upgrade.utf8))
        try send(h, Self.frame(0x1, #"{"id":1,"method":"GET","path":"/slow"}"#))
        try send(h, Self.frame(0x2, #"{"id":2,"method":"GET","path":"/quick"}"#))
        try send(h, Self.frame(0x1, #"{"id":3,"method":"GET"}"#))
        h.handler.releaseSlow()
        let replies = try Self.output(h).frames.map { String(decoding: $0.1, as: UTF8.self) }
        #expect(replies.map { $0.prefix(17) } == [#"{"id":2,"status":"#, #"{"id":3,"status":"#, #"{"id":1,"status":"#])
        #expect(replies[1].contains(#""status":400"#))
        #expect(h.channel.isActive)
    }

    @Test("an unmasked frame closes with 1002; a frame over max_message with 1009")
    func closeCodes() throws {
        let unmasked = try harness()
        try send(unmasked, Array(Self.upgrade.utf8) + Self.frame(0x1, "{}", masked: false))
        let unmaskedFrames = try Self.output(unmasked).frames
        #expect(unmaskedFrames.map(\.0) == [0x8])
        #expect(unmaskedFrames.first?.1 == [0x03, 0xEA])  // 1002
        // What the client sends meanwhile is read and dropped; its close frame ends the connection at once.
        #expect(unmasked.channel.isActive)
        try send(unmasked, Self.frame(0x1, #"{"id":9,"method":"GET","path":"/x"}"#))
        #expect(try Self.output(unmasked).frames.isEmpty)
        try send(unmasked, Self.frame(0x8, ""))
        #expect(!unmasked.channel.isActive)

        let large = try harness()
        try send(large, Array(Self.upgrade.utf8) + [0x81, 0x80 | 126, 0, 101, 1, 2, 3, 4])
        let frames = try Self.output(large).frames
        #expect(frames.map(\.0) == [0x8])
        #expect(frames.first?.1 == [0x03, 0xF1])  // 1009
        // A client that never answers the close is closed after the linger time.
        #expect(large.channel.isActive)
        large.channel.embeddedEventLoop.advanceTime(by: WebSocketConnectionHandler.closeLinger)
        #expect(!large.channel.isActive)
    }

    /// Counts the `read()`s that reach the socket.
    final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = Any
        var reads = 0

        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    @Test("reading stops while the channel is not writable (replies unread by the client) and resumes after")
    func writability() throws {
        let h = try harness()
        let counter = ReadCounter()
        try h.channel.pipeline.syncOperations.addHandler(counter, position: .first)
        try send(h, Array(Self.upgrade.utf8))
        let before = counter.reads
        h.channel.isWritable = false
        h.channel.pipeline.fireChannelWritabilityChanged()
        h.channel.read()
        #expect(counter.reads == before)
        h.channel.isWritable = true
        h.channel.pipeline.fireChannelWritabilityChanged()
        #expect(counter.reads == before + 1)
    }

    @Test("shutdown: the reply in flight goes out, then close 1001")
    func quiesce() throws {
        let h = try harness()
        try send(h, Array(Self.upgrade.utf8) + Self.frame(0x1, #"{"id":1,"method":"GET","path":"/slow"}"#))
        _ = try Self.output(h)
        h.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        h.channel.embeddedEventLoop.run()
        #expect(try Self.output(h).frames.isEmpty)
        h.handler.releaseSlow()
        h.channel.embeddedEventLoop.run()
        let frames = try Self.output(h).frames
        #expect(frames.map(\.0) == [0x1, 0x8])
        #expect(frames.last?.1 == [0x03, 0xE9])  // 1001
        h.channel.embeddedEventLoop.advanceTime(by: WebSocketConnectionHandler.closeLinger)
        #expect(!h.channel.isActive)
    }
}
