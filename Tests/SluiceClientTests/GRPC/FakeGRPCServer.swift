import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix
import NIOSSL
import Synchronization

/// An in-process HTTP/2 server answering each stream as told, for the responses (and connection behaviours)
/// a real gRPC server never produces.
final class FakeGRPCServer: Sendable {
    enum Answer: Sendable {
        /// Written on the stream, in order, once the request ended.
        case frames([HTTP2Frame.FramePayload])
        /// The frames, then GOAWAY on the connection.
        case framesThenGoAway([HTTP2Frame.FramePayload])
        /// GOAWAY with last stream 0: the stream (and all on this connection) left out, unprocessed.
        case goAwayRefusing
        /// Nothing, ever.
        case hang
        /// The whole connection closes.
        case closeConnection
    }

    let port: Int
    private let channel: any Channel
    private let accepted: Counter

    /// Connections accepted so far.
    var connections: Int { accepted.count.load(ordering: .relaxed) }

    /// DATA frames the server's HTTP/2 handler has sent so far (not those flow control still holds back).
    var dataFramesSent: Int { accepted.dataSent.load(ordering: .relaxed) }

    /// RST_STREAM CANCEL frames received so far.
    var cancelledStreams: Int { accepted.cancels.load(ordering: .relaxed) }

    private init(port: Int, channel: any Channel, accepted: Counter) {
        self.port = port
        self.channel = channel
        self.accepted = accepted
    }

    static func start(
        group: any EventLoopGroup,
        answer: @escaping @Sendable (_ path: String) -> Answer
    ) async throws -> FakeGRPCServer {
        let counter = Counter()
        let channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                counter.count.add(1, ordering: .relaxed)
                return channel.eventLoop.makeCompletedFuture {
                    _ = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
                        mode: .server, connectionConfiguration: .init(), streamConfiguration: .init()
                    ) { stream in
                        stream.eventLoop.makeCompletedFuture {
                            try stream.pipeline.syncOperations.addHandler(StreamAnswerer(answer: answer, counter: counter))
                        }
                    }
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FakeGRPCServer(port: channel.localAddress?.port ?? 0, channel: channel, accepted: counter)
    }

    func stop() async {
        try? await channel.close()
    }

    private final class Counter: Sendable {
        let count = Atomic<Int>(0)
        let cancels = Atomic<Int>(0)
        let dataSent = Atomic<Int>(0)
    }

    static func headers(_ fields: [(String, String)], endStream: Bool = false) -> HTTP2Frame.FramePayload {
        .headers(.init(headers: HPACKHeaders(fields), endStream: endStream))
    }

    static func data(_ bytes: [UInt8], endStream: Bool = false) -> HTTP2Frame.FramePayload {
        .data(.init(data: .byteBuffer(ByteBuffer(bytes: bytes)), endStream: endStream))
    }

    /// `text` with gRPC's length prefix; `flag` 1 claims it compressed.
    static func message(_ text: String, flag: UInt8 = 0) -> [UInt8] {
        let bytes = Array(text.utf8)
        let length = UInt32(bytes.count)
        return [flag, UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
            + bytes
    }

    static let okHeaders = headers([(":status", "200"), ("content-type", "application/grpc")])
    static let okTrailers = headers([("grpc-status", "0")], endStream: true)

    private final class StreamAnswerer: ChannelInboundHandler {
        typealias InboundIn = HTTP2Frame.FramePayload
        typealias OutboundOut = HTTP2Frame.FramePayload

        let answer: @Sendable (String) -> Answer
        let counter: Counter
        var path = ""

        init(answer: @escaping @Sendable (String) -> Answer, counter: Counter) {
            self.answer = answer
            self.counter = counter
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let ended: Bool
            switch unwrapInboundIn(data) {
            case .headers(let block):
                path = block.headers.first(name: ":path") ?? ""
                ended = block.endStream
            case .data(let frame):
                ended = frame.endStream
            case .rstStream(.cancel):
                counter.cancels.add(1, ordering: .relaxed)
                return
            default:
                ended = false
            }
            guard ended else { return }
            switch answer(path) {
            case .frames(let frames):
                for frame in frames {
                    guard case .data = frame else {
                        context.write(wrapOutboundOut(frame), promise: nil)
                        continue
                    }
                    let promise = context.eventLoop.makePromise(of: Void.self)
                    promise.futureResult.whenSuccess { [counter] in counter.dataSent.add(1, ordering: .relaxed) }
                    context.write(wrapOutboundOut(frame), promise: promise)
                }
                context.flush()
            case .framesThenGoAway(let frames):
                for frame in frames { context.write(wrapOutboundOut(frame), promise: nil) }
                context.flush()
                context.channel.parent?.writeAndFlush(
                    HTTP2Frame(streamID: .rootStream, payload: .goAway(lastStreamID: .maxID, errorCode: .noError, opaqueData: nil)),
                    promise: nil)
            case .goAwayRefusing:
                // Raw bytes under the server's HTTP/2 handler, which would otherwise reset the stream itself.
                let goAway: [UInt8] = [0, 0, 8, 0x07, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
                let http2 = try? context.channel.parent?.pipeline.syncOperations.context(handlerType: NIOHTTP2Handler.self)
                http2?.writeAndFlush(NIOAny(ByteBuffer(bytes: goAway)), promise: nil)
            case .hang:
                break
            case .closeConnection:
                context.channel.parent?.close(promise: nil)
            }
        }
    }
}
