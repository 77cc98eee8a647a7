internal import Logging
internal import NIOCore
internal import SluiceThrift

/// One accepted connection: splits frames (transport detected from the first bytes), dispatches each call to the
/// service handler, and answers in the request's transport and protocol with the request's seq id.
///
/// Replies produced while handling one batch of reads are written as one buffer and flushed once, at
/// `channelReadComplete`.
final class ThriftServerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var processor: NIOSingleStepByteToMessageProcessor<ThriftFrameDecoder>
    private let handler: any ThriftServiceHandler
    private let logger: Logger
    private let maxFrameLength: Int
    private var pendingReplies: ByteBuffer?

    init(
        handler: any ThriftServiceHandler,
        maxFrameLength: Int,
        logger: Logger
    ) {
        self.processor = NIOSingleStepByteToMessageProcessor(
            // Replies carry no info and handlers see none, so the request's info is only checked.
            ThriftFrameDecoder(transport: nil, maxFrameLength: maxFrameLength, keepingInfo: false),
            maximumBufferSize: nil)
        self.handler = handler
        self.maxFrameLength = maxFrameLength
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        do {
            try processor.process(buffer: bytes) { frame in
                try self.serve(frame, context: context)
            }
        } catch {
            logger.debug(
                "closing Thrift connection after an unreadable request",
                metadata: ["thrift.error": "\(error)", "peer": "\(context.remoteAddress.map { "\($0)" } ?? "?")"])
            flushReplies(context: context)
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushReplies(context: context)
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("Thrift connection failed", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    private func flushReplies(context: ChannelHandlerContext) {
        guard let replies = pendingReplies else { return }
        pendingReplies = nil
        context.writeAndFlush(wrapOutboundOut(replies), promise: nil)
    }

    private func serve(_ frame: ThriftFrame, context: ChannelHandlerContext) throws {
        var arguments = frame.payload
        let message = try ThriftMessageHeader.read(from: &arguments, protocol: frame.protocolKind)
        guard message.type == .call || message.type == .oneway else {
            throw ThriftServerError("expected a call or oneway message, got \(message.type) for '\(message.name)'")
        }
        var result: ByteBuffer?
        var failure: ThriftApplicationFailure?
        do {
            result = try handler.handle(
                method: message.name, arguments: arguments, protocol: frame.protocolKind,
                allocator: context.channel.allocator)
        } catch let error as ThriftApplicationFailure {
            failure = error
        } catch {
            failure = ThriftApplicationFailure(type: .internalError, message: "\(error)")
        }
        guard message.type == .call, result != nil || failure != nil else { return }

        var out = pendingReplies ?? context.channel.allocator.buffer(capacity: 256 + (result?.readableBytes ?? 64))
        let start = try Self.replyEnvelope(for: frame.envelope, sequenceID: message.sequenceID)
            .writeFrameStart(into: &out)
        let innerStart = frame.payloadWasFramed ? FramedTransport.writeFrameStart(into: &out) : nil
        ThriftMessageHeader(
            name: message.name, type: failure == nil ? .reply : .exception, sequenceID: message.sequenceID
        ).write(to: &out, protocol: frame.protocolKind)
        if let failure {
            failure.writeBody(to: &out, protocol: frame.protocolKind)
        } else if var result {
            out.writeBuffer(&result)
        }
        try innerStart?.finish(in: &out, maxFrameLength: maxFrameLength)
        try start.finish(in: &out, maxFrameLength: maxFrameLength)
        pendingReplies = out
    }

    /// The reply's framing: the request's transport, with empty info. For TTHeader that is exactly what Kitex's
    /// default server writes (no meta handlers: nothing echoed); for THeader the request's transforms are kept,
    /// so a ZLIB request gets a ZLIB reply, as Apache's servers do.
    static func replyEnvelope(for request: ThriftEnvelope, sequenceID: Int32) -> ThriftEnvelope {
        switch request {
        case .ttheader(let header):
            .ttheader(TTHeader(sequenceID: sequenceID, protocolID: header.protocolID))
        case .theader(let header):
            .theader(
                THeader(
                    sequenceID: sequenceID, protocolKind: header.protocolKind,
                    transforms: header.transforms.filter { $0 == .zlib }))
        case .framed: .framed
        case .buffered: .buffered
        }
    }
}

@available(*, unavailable)
extension ThriftServerConnectionHandler: Sendable {}
