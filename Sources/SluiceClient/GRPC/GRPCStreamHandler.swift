internal import NIOCore
internal import NIOHPACK
internal import NIOHTTP2

/// A call's HTTP/2 stream: writes the request (HEADERS, then a DATA frame per length-prefixed message, the
/// last with END_STREAM) and feeds the response frames to the call's ``GRPCResponseStateMachine``.
///
/// A server-streaming call's stream is read only while its consumer wants messages (its channel does not
/// read by itself), so NIOHTTP2 sends the WINDOW_UPDATEs that let the server send more only as fast as the
/// consumer takes them: a slow consumer holds back the server, with at most a window's bytes held here.
final class GRPCStreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private let call: GRPCPendingCall
    private let headers: HPACKHeaders
    private let place: Place
    private var endpoint: Endpoint { place.endpoint }
    /// The stream was refused and the call went out again: this stream's end is no longer the call's.
    private var retried = false
    private var response: GRPCResponseStateMachine
    private var sent = false

    /// Where the stream runs: references rather than closures, which would cost an allocation each per call.
    struct Place {
        /// Says why the connection closed, should the stream end with it, and whether its GOAWAY left the
        /// stream out.
        var connection: GRPCConnection
        /// Sends the call again, after the server refused its stream.
        var shard: GRPCShard
        /// The endpoint's index in the shard, and the endpoint.
        var endpointIndex: Int
        var endpoint: Endpoint
    }

    init(call: GRPCPendingCall, headers: HPACKHeaders, place: Place, maxMessageSize: Int) {
        self.call = call
        self.headers = headers
        self.place = place
        self.response = GRPCResponseStateMachine(
            mode: call.onMessage == nil ? .unary : .streaming, maxMessageSize: maxMessageSize)
    }

    private var isStreaming: Bool { call.onMessage != nil }

    func handlerAdded(context: ChannelHandlerContext) {
        if isStreaming {
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
            // Strong: messages may wait here after the stream closed; the call drops this when it ends.
            call.onDemandChanged { [self] in deliver(context) }
        }
        if context.channel.isActive { send(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        send(context)
        context.fireChannelActive()
    }

    private func send(_ context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        guard !call.isFinished else {
            context.close(promise: nil)
            return
        }
        context.write(wrapOutboundOut(.headers(.init(headers: headers))), promise: nil)
        if let message = call.message {
            write(context, message, endStream: true, promise: nil)
        } else {
            context.flush()
            // Strong, as for the demand: the call drops this when it ends.
            call.startWriting { [self] item in
                switch item {
                case .message(let message, let promise): write(context, message, endStream: false, promise: promise)
                case .end:
                    let end = HTTP2Frame.FramePayload.data(.init(data: .byteBuffer(ByteBuffer()), endStream: true))
                    context.writeAndFlush(wrapOutboundOut(end), promise: nil)
                }
            }
        }
        if isStreaming { deliver(context) }
    }

    /// One length-prefixed message in one DATA frame; NIOHTTP2 holds it until the stream's window has room, and
    /// completes `promise` once it is written.
    private func write(
        _ context: ChannelHandlerContext, _ message: ByteBuffer, endStream: Bool, promise: EventLoopPromise<Void>?
    ) {
        var body = context.channel.allocator.buffer(capacity: GRPCMessageReassembler.prefixLength + message.readableBytes)
        GRPCMessageReassembler.frame(message, into: &body)
        context.writeAndFlush(wrapOutboundOut(.data(.init(data: .byteBuffer(body), endStream: endStream))), promise: promise)
    }

    /// Hands the consumer the messages it asked for that are in, and reads on while it wants more; ends the
    /// call once the trailers are in and every message was taken.
    private func deliver(_ context: ChannelHandlerContext) {
        guard !call.isFinished else { return }
        do {
            while call.demand > 0, let message = try response.nextMessage() {
                call.deliver(message)
                if call.isFinished { return }
            }
        } catch {
            return fail(context, error)
        }
        if let reply = response.finalReply {
            call.finish(.success(reply))
        } else if call.demand > 0 {
            context.read()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            switch unwrapInboundIn(data) {
            case .headers(let block):
                if let reply = try response.receiveHeaders(block.headers, endStream: block.endStream) {
                    if !isStreaming { call.finish(.success(reply)) }
                } else if isStreaming {
                    call.responseHeaders = response.responseHeaders
                }
            case .data(let frame):
                guard case .byteBuffer(let bytes) = frame.data else { return }
                try response.receiveData(bytes, endStream: frame.endStream)
            case .rstStream(.refusedStream) where call.isRetriable:
                return goAgain()
            case .rstStream(let code):
                let reason = "\(endpoint) reset the stream of gRPC call \(call.path) (\(code))"
                call.finish(.failure(ClientError(.connectionClosed, reason)))
            default:
                break
            }
        } catch {
            return fail(context, error)
        }
        if isStreaming { deliver(context) }
    }

    private func fail(_ context: ChannelHandlerContext, _ error: any Error) {
        call.abort(ClientError(.protocolError, "\(endpoint) \(error) (gRPC call \(call.path))", reason: "\(error)"))
        context.close(promise: nil)
    }

    private func goAgain() {
        guard !retried else { return }
        retried = true
        call.detach()
        place.shard.retry(call, endpoint: place.endpointIndex)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if retried { return context.fireChannelInactive() }
        // NIOHTTP2 hands over every frame of a stream before it closes; messages not yet asked for wait here.
        if isStreaming, response.hasEnded {
            deliver(context)
            return context.fireChannelInactive()
        }
        // Every stream ends so, most after their call did: the reason is built only for a call still waiting.
        if !call.isFinished {
            call.finish(.failure(ClientError(.connectionClosed, "\(place.connection.streamEndDescription(endpoint: endpoint)) before gRPC call \(call.path) ended")))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A stream above a GOAWAY's last stream is closed by NIOHTTP2 (as cancelled) unprocessed.
        if error is NIOHTTP2Errors.StreamClosed, call.isRetriable,
            let stream = try? context.channel.syncOptions?.getOption(HTTP2StreamChannelOptions.streamID),
            place.connection.goAwayLeftOut(stream)
        {
            goAgain()
        }
        // (Also the stream error that follows a REFUSED_STREAM, already acted on.)
        if retried { return }
        call.abort(ClientError(.connectionClosed, "the stream of gRPC call \(call.path) to \(endpoint) failed: \(error)"))
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension GRPCStreamHandler: Sendable {}
