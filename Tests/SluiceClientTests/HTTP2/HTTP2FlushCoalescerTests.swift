import NIOCore
import NIOEmbedded
import Testing
@testable import SluiceClient

/// The flushes of one event-loop turn leave as one: nothing is flushed until the turn's tasks run, a close
/// does not wait for them.
@Suite("HTTP/2 client flush coalescer")
struct HTTP2FlushCoalescerTests {
    static func written(_ channel: EmbeddedChannel) throws -> [String] {
        var out: [String] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { out.append(String(buffer: buffer)) }
        return out
    }

    @Test("two calls' flushes in one turn go out together at the end of the turn")
    func oneFlushPerTurn() throws {
        let channel = EmbeddedChannel(handler: HTTP2FlushCoalescer())
        channel.writeAndFlush(ByteBuffer(string: "a"), promise: nil)
        channel.writeAndFlush(ByteBuffer(string: "b"), promise: nil)
        #expect(try Self.written(channel) == [])
        channel.embeddedEventLoop.run()
        #expect(try Self.written(channel) == ["a", "b"])
        // The next turn flushes again.
        channel.writeAndFlush(ByteBuffer(string: "c"), promise: nil)
        channel.embeddedEventLoop.run()
        #expect(try Self.written(channel) == ["c"])
        _ = try channel.finish()
    }

    @Test("a close flushes what was written first")
    func closeFlushes() throws {
        let channel = EmbeddedChannel(handler: HTTP2FlushCoalescer())
        channel.writeAndFlush(ByteBuffer(string: "goaway"), promise: nil)
        channel.close(promise: nil)
        #expect(try Self.written(channel) == ["goaway"])
        channel.embeddedEventLoop.run()
    }
}
