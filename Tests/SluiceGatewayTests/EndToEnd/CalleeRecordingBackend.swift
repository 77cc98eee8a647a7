import NIOCore
import NIOPosix
import SluiceThrift
import Testing
import Synchronization

/// A TTHeader peer that records the callee each call names and answers every call with an empty result
/// (right for `void` methods). `ThriftServer` keeps the header from its handlers, so tests of what the
/// gateway puts in it need their own peer.
final class CalleeRecordingBackend: Sendable {
    struct Callee: Sendable, Hashable {
        var method: String
        /// TTHeader's ToService int key.
        var toService: String?
        /// The `isn` string key a multi-service Kitex server selects the service by.
        var idlServiceName: String?
    }

    final class Recorder: Sendable {
        let callees = Mutex<[Callee]>([])
    }

    let port: Int
    private let channel: any Channel
    private let recorder: Recorder

    private init(port: Int, channel: any Channel, recorder: Recorder) {
        self.port = port
        self.channel = channel
        self.recorder = recorder
    }

    static func start() async throws -> CalleeRecordingBackend {
        let recorder = Recorder()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(ThriftFrameDecoder(transport: .ttheader)),
                        VoidReplier(recorder: recorder)
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = try #require(channel.localAddress?.port)
        return CalleeRecordingBackend(port: port, channel: channel, recorder: recorder)
    }

    var callees: [Callee] { recorder.callees.withLock { $0 } }

    /// Stops listening; the gateway's connections close when it shuts down.
    func shutdown() async throws {
        try await channel.close()
    }
}

private final class VoidReplier: ChannelInboundHandler {
    typealias InboundIn = ThriftFrame
    typealias OutboundOut = ByteBuffer

    let recorder: CalleeRecordingBackend.Recorder

    init(recorder: CalleeRecordingBackend.Recorder) { self.recorder = recorder }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        do {
            guard case .ttheader(let header) = frame.envelope else { return context.close(promise: nil) }
            var payload = frame.payload
            let message = try ThriftMessageHeader.read(from: &payload, protocol: frame.protocolKind)
            let callee = CalleeRecordingBackend.Callee(
                method: message.name,
                toService: header.intInfo[.toService],
                idlServiceName: header.stringInfo[TTHeaderStringKey.idlServiceName]
            )
            recorder.callees.withLock { $0.append(callee) }

            var reply = context.channel.allocator.buffer(capacity: 64)
            let replyHeader = TTHeader(sequenceID: message.sequenceID, protocolID: header.protocolID)
            let start = try ThriftEnvelope.ttheader(replyHeader).writeFrameStart(into: &reply)
            ThriftMessageHeader(name: message.name, type: .reply, sequenceID: message.sequenceID)
                .write(to: &reply, protocol: frame.protocolKind)
            reply.writeInteger(UInt8(0))  // an empty `_result` struct: STOP, in Binary and Compact alike
            try start.finish(in: &reply)
            context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
        } catch {
            context.close(promise: nil)
        }
    }
}
