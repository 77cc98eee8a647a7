import Logging
import NIOCore
import NIOEmbedded
import SluiceThrift
import Synchronization
import Testing

@testable import SluiceThriftServer

/// The server's connection handler on an `EmbeddedChannel`.
@Suite("Server connection handler")
struct ThriftServerConnectionHandlerTests {
    static func channel(_ handler: EchoHandler = EchoHandler()) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(
            handler: ThriftServerConnectionHandler(
                handler: handler, maxFrameLength: FramedTransport.defaultMaxFrameLength, logger: Logger(label: "t")))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    static func request(_ name: String, _ seq: Int32, type: ThriftMessageType = .call) throws -> ByteBuffer {
        var out = ByteBuffer()
        let start = try TTHeader(sequenceID: seq).writeFrameStart(into: &out)
        ThriftMessageHeader(name: name, type: type, sequenceID: seq).write(to: &out, protocol: .binary)
        var body = argumentsBody(seq, protocol: .binary)
        out.writeBuffer(&body)
        try start.finish(in: &out)
        return out
    }

    @Test("replies to pipelined requests go out in order, in one write")
    func coalesced() throws {
        let channel = try Self.channel()
        var input = try Self.request("echo", 1)
        var second = try Self.request("echo", 2)
        input.writeBuffer(&second)
        try channel.writeInbound(input)
        var out = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        var decoder = ThriftFrameDecoder(transport: .ttheader)
        var seqs: [Int32] = []
        while let frame = try decoder.decode(buffer: &out) {
            var payload = frame.payload
            let header = try ThriftMessageHeader.read(from: &payload, protocol: .binary)
            #expect(header.type == .reply)
            #expect(payload == argumentsBody(header.sequenceID, protocol: .binary))
            seqs.append(header.sequenceID)
        }
        #expect(seqs == [1, 2])
    }

    @Test("oneway requests are handled and get no reply")
    func oneway() throws {
        let handler = EchoHandler()
        let channel = try Self.channel(handler)
        try channel.writeInbound(try Self.request("notify", 3, type: .oneway))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        #expect(handler.onewayCalls.load(ordering: .relaxed) == 1)
    }

    @Test("a REPLY sent to the server closes the connection")
    func replyToServer() throws {
        let channel = try Self.channel()
        _ = try? channel.writeInbound(try Self.request("echo", 1, type: .reply))
        #expect(!channel.isActive)
    }
}
