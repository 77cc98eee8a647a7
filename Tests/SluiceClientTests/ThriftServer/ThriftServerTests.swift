import NIOCore
import NIOPosix
import SluiceThrift
import SluiceThriftServer
import Testing

@Suite("ThriftServer on the wire")
struct ThriftServerTests {
    static let t1 = """
        0000004c 10000000 00000001 0009 | 00 00 | 01 0001 0003 69736e 000b 4563686f53657276696365
        | 10 0001 0009 0004 4563686f | 0000 | 80010001 00000004 4563686f 00000001 0c0001 0b0001 00000002 6869 00 00
        """
    static let t2 = """
        0000002c 10000000 00000001 0001 | 00 00 0000 | 80010002 00000004 4563686f 00000001 0c0000 0b0001 00000002 6869 00 00
        """

    static func withServer(_ body: (ThriftServer, any EventLoopGroup) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await ThriftServer.start(host: "127.0.0.1", port: 0, handler: EchoHandler(), group: group)
        do {
            try await body(server, group)
        } catch {
            try await server.shutdown()
            try await group.shutdownGracefully()
            throw error
        }
        try await server.shutdown()
        try await group.shutdownGracefully()
    }

    @Test("a TTHeader request (Kitex vector T1) gets exactly the reply a default Kitex server writes (T2)")
    func kitexReply() async throws {
        try await Self.withServer { server, group in
            let connection = try await RawConnection.connect(port: server.port, group: group)
            try await connection.send(hexBuffer(Self.t1))
            let reply = try await connection.receive(atLeast: 48)
            #expect(hexString(reply) == hexString(hexBuffer(Self.t2)))
            await connection.close()
        }
    }

    @Test("a THeader ZLIB request gets a ZLIB reply with the same seq id")
    func zlibReply() async throws {
        try await Self.withServer { server, group in
            let connection = try await RawConnection.connect(port: server.port, group: group)
            var request = ByteBuffer()
            var payload = ByteBuffer()
            ThriftMessageHeader(name: "echo", type: .call, sequenceID: 77).write(to: &payload, protocol: .binary)
            var body = argumentsBody(5, protocol: .binary)
            payload.writeBuffer(&body)
            try THeader(sequenceID: 77, transforms: [.zlib], info: ["k": "v"]).encodeFrame(payload: payload, into: &request)
            try await connection.send(request)
            var received = try await connection.receive(atLeast: 20)
            let (header, replyPayload) = try #require(try THeader.readFrame(from: &received))
            #expect(header.transforms == [.zlib])
            #expect(header.sequenceID == 77)
            var message = replyPayload
            #expect(try ThriftMessageHeader.read(from: &message, protocol: .binary)
                == ThriftMessageHeader(name: "echo", type: .reply, sequenceID: 77))
            #expect(message == argumentsBody(5, protocol: .binary))
            await connection.close()
        }
    }

    @Test("framed Compact: unknown methods get UNKNOWN_METHOD, pipelined requests keep their order")
    func framedCompact() async throws {
        try await Self.withServer { server, group in
            let connection = try await RawConnection.connect(port: server.port, group: group)
            var request = ByteBuffer()
            for (name, seq) in [("nope", Int32(1)), ("echo", 2)] {
                let start = FramedTransport.writeFrameStart(into: &request)
                ThriftMessageHeader(name: name, type: .call, sequenceID: seq).write(to: &request, protocol: .compact)
                var body = argumentsBody(seq, protocol: .compact)
                request.writeBuffer(&body)
                try start.finish(in: &request)
            }
            try await connection.send(request)
            var decoder = ThriftFrameDecoder(transport: .framed)
            var received = try await connection.receive(atLeast: 40)
            var frames: [ThriftFrame] = []
            while let frame = try decoder.decode(buffer: &received) { frames.append(frame) }
            #expect(frames.count == 2)
            guard frames.count == 2 else { return }
            var first = frames[0].payload
            let firstHeader = try ThriftMessageHeader.read(from: &first, protocol: .compact)
            #expect(firstHeader == ThriftMessageHeader(name: "nope", type: .exception, sequenceID: 1))
            // Compact TApplicationException: 0x18 message, 0x15 type zigzag(1) = 2, STOP.
            let expectedMessage = "unknown method nope"
            #expect(first.readInteger(as: UInt8.self) == 0x18)
            #expect(first.readInteger(as: UInt8.self) == UInt8(expectedMessage.utf8.count))
            #expect(first.readString(length: expectedMessage.utf8.count) == expectedMessage)
            #expect(Array(first.readableBytesView) == [0x15, 0x02, 0x00])
            var second = frames[1].payload
            #expect(try ThriftMessageHeader.read(from: &second, protocol: .compact).sequenceID == 2)
            #expect(frames[1].protocolKind == .compact)
            await connection.close()
        }
    }

    @Test("a garbage connection is closed without disturbing the server")
    func garbage() async throws {
        try await Self.withServer { server, group in
            let connection = try await RawConnection.connect(port: server.port, group: group)
            try await connection.send(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
            try await connection.channel.closeFuture.get()
            let second = try await RawConnection.connect(port: server.port, group: group)
            try await second.send(hexBuffer(Self.t1))
            let reply = try await second.receive(atLeast: 48)
            #expect(reply.readableBytes == 48)
            await second.close()
        }
    }
}

extension ThriftServerTests {
    @Test("Kitex's TTHeaderFramed (a length inside the TTHeader payload) is answered the same way")
    func ttheaderFramed() async throws {
        try await Self.withServer { server, group in
            let connection = try await RawConnection.connect(port: server.port, group: group)
            var request = ByteBuffer()
            let start = try TTHeader(sequenceID: 4, intInfo: [.transportType: "framed"]).writeFrameStart(into: &request)
            let inner = FramedTransport.writeFrameStart(into: &request)
            ThriftMessageHeader(name: "echo", type: .call, sequenceID: 4).write(to: &request, protocol: .binary)
            var body = argumentsBody(8, protocol: .binary)
            request.writeBuffer(&body)
            try inner.finish(in: &request)
            try start.finish(in: &request)
            try await connection.send(request)
            var received = try await connection.receive(atLeast: 40)
            var decoder = ThriftFrameDecoder(transport: .ttheader)
            let frame = try #require(try decoder.decode(buffer: &received))
            #expect(frame.payloadWasFramed)
            var payload = frame.payload
            #expect(try ThriftMessageHeader.read(from: &payload, protocol: .binary).type == .reply)
            #expect(payload == argumentsBody(8, protocol: .binary))
            await connection.close()
        }
    }
}
