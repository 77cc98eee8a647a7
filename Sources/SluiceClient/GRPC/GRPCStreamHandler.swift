internal import NIOCore
internal import NIOHPACK
internal import NIOHTTP2

/// A call's HTTP/2 stream: writes the request (HEADERS, then one DATA frame with the length-prefixed message
/// and END_STREAM) and feeds the response frames to the call's ``GRPCResponseStateMachine``.
final class GRPCStreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private let call: GRPCPendingCall
    private let headers: HPACKHeaders
    private let endpoint: Endpoint
    private let connectionClosed: () -> String
    private var response: GRPCResponseStateMachine
    private var sent = false

    /// - Parameter connectionClosed: why the connection closed, should the stream end with it.
    init(
        call: GRPCPendingCall,
        headers: HPACKHeaders,
        endpoint: Endpoint,
        maxMessageSize: Int,
        connectionClosed: @escaping () -> String
    ) {
        self.call = call
        self.headers = headers
        self.endpoint = endpoint
        self.connectionClosed = connectionClosed
        self.response = GRPCResponseStateMachine(mode: .unary, maxMessageSize: maxMessageSize)
    }

    func handlerAdded(context: ChannelHandlerContext) {
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
        var body = context.channel.allocator.buffer(
            capacity: GRPCMessageReassembler.prefixLength + call.message.readableBytes)
        GRPCMessageReassembler.frame(call.message, into: &body)
        context.writeAndFlush(wrapOutboundOut(.data(.init(data: .byteBuffer(body), endStream: true))), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            switch unwrapInboundIn(data) {
            case .headers(let block):
                if let reply = try response.receiveHeaders(block.headers, endStream: block.endStream) {
                    call.finish(.success(reply))
                }
            case .data(let frame):
                guard case .byteBuffer(let bytes) = frame.data else { return }
                try response.receiveData(bytes, endStream: frame.endStream)
            case .rstStream(let code):
                call.finish(.failure(ClientError(.connectionClosed, "\(endpoint) reset the stream of gRPC call \(call.path) (\(code))")))
            default:
                break
            }
        } catch let error as GRPCWireError {
            call.abort(ClientError(.protocolError, "\(endpoint) \(error) (gRPC call \(call.path))"))
            context.close(promise: nil)
        } catch {
            call.abort(ClientError(.protocolError, "\(endpoint): \(error) (gRPC call \(call.path))"))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        call.finish(.failure(ClientError(.connectionClosed, "\(connectionClosed()) before gRPC call \(call.path) ended")))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        call.abort(ClientError(.connectionClosed, "the stream of gRPC call \(call.path) to \(endpoint) failed: \(error)"))
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension GRPCStreamHandler: Sendable {}
