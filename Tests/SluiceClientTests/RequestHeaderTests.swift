import Logging
import NIOCore
import NIOPosix
import SluiceClient
import SluiceThrift
import Synchronization
import Testing

/// What the client puts on the wire, captured by a listener that never answers.
@Suite("Request headers on the wire")
struct RequestHeaderTests {
    final class Capture: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let bytes: NIOLockedBytes
        init(bytes: NIOLockedBytes) { self.bytes = bytes }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { bytes.append(unwrapInboundIn(data)) }
    }

    static func capture(
        _ transport: ThriftTransportKind, _ kind: ThriftProtocolKind, oneway: Bool = false
    ) async throws -> ThriftFrame {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bytes = NIOLockedBytes()
        let listener = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Capture(bytes: bytes))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let client = ThriftClient(
            configuration: ThriftClientConfiguration(
                endpoints: [Endpoint(host: "127.0.0.1", port: listener.localAddress?.port ?? 0)],
                transport: transport, protocolKind: kind, serviceName: "EchoService"),
            eventLoopGroup: group, logger: Logger(label: "t"))
        let reply = client.call(
            method: "Say", oneway: oneway, arguments: argumentsBody(3, protocol: kind), timeout: .milliseconds(1500),
            on: group.next())
        var decoder = ThriftFrameDecoder(transport: transport)
        var frame: ThriftFrame?
        for _ in 0..<200 where frame == nil {
            try await Task.sleep(for: .milliseconds(5))
            var received = bytes.snapshot()
            frame = try decoder.decode(buffer: &received)
        }
        await client.shutdown()
        _ = try? await reply.get()
        try? await listener.close()
        try await group.shutdownGracefully()
        return try #require(frame)
    }

    @Test("TTHeader requests carry Kitex's client keys and isn", arguments: ThriftProtocolKind.allCases)
    func ttheader(kind: ThriftProtocolKind) async throws {
        let frame = try await Self.capture(.ttheader, kind)
        guard case .ttheader(let header) = frame.envelope else {
            Issue.record("not TTHeader")
            return
        }
        #expect(
            header.intInfo == [
                .toService: "EchoService", .toMethod: "Say", .msgType: "1", .transportType: "unframed",
                .rpcTimeout: "1500",
            ])
        #expect(header.stringInfo == ["isn": "EchoService"])
        #expect(header.protocolID == (kind == .binary ? 0 : 2))
        var payload = frame.payload
        let message = try ThriftMessageHeader.read(from: &payload, protocol: kind)
        #expect(message.name == "Say")
        #expect(message.type == .call)
        #expect(message.sequenceID == header.sequenceID)
        #expect(payload == argumentsBody(3, protocol: kind))
    }

    @Test("a oneway TTHeader request says MsgType 4")
    func onewayMessageType() async throws {
        let frame = try await Self.capture(.ttheader, .binary, oneway: true)
        guard case .ttheader(let header) = frame.envelope else {
            Issue.record("not TTHeader")
            return
        }
        #expect(header.intInfo[.msgType] == "4")
    }

    @Test("THeader and framed requests carry the message in the configured protocol", arguments: [
        (ThriftTransportKind.theader, ThriftProtocolKind.compact), (.framed, .compact), (.framed, .binary), (.buffered, .binary),
        (.buffered, .compact),
    ])
    func others(transport: ThriftTransportKind, kind: ThriftProtocolKind) async throws {
        let frame = try await Self.capture(transport, kind)
        #expect(frame.protocolKind == kind)
        var payload = frame.payload
        #expect(try ThriftMessageHeader.read(from: &payload, protocol: kind).name == "Say")
        #expect(payload == argumentsBody(3, protocol: kind))
    }
}
