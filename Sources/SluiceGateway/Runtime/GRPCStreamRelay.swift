internal import NIOCore
internal import SluiceClient
internal import SluiceTracing
internal import SluiceProtobuf

/// A route to a method whose responses stream (server-streaming, or bidi with the request messages all in
/// the body or streamed by the adapter, ``RequestMessageStream``): the call's first message starts a streamed response (``ResponseStream``, 200, NDJSON or SSE);
/// a call that ends before any message is answered as a unary call would be (an error status with its HTTP
/// status, or an empty 200). What fails after the head went out is the stream's last part.
///
/// Lives on the request's event loop, where the client delivers the call's messages.
final class GRPCStreamRelay: Sendable {
    typealias Completion = (Result<(GatewayResponse, GuardOutcome), any Error>) -> Void

    private struct State {
        /// Until the response is decided (the first message, or the end).
        var completion: Completion?
        var stream: ResponseStream?
        var call: (any GRPCMessageStream)?
    }

    private let route: GRPCRouteCall
    private let format: ResponseStreamFormat
    private let allocator: ByteBufferAllocator
    /// The call's own: the stream cancels it when its client goes away, which HTTP/1.1 requests (carrying no
    /// cancellation of their own) could not otherwise do.
    private let cancellation = CallCancellation()
    private let state: NIOLoopBoundBox<State>

    private init(route: GRPCRouteCall, format: ResponseStreamFormat, allocator: ByteBufferAllocator, eventLoop: any EventLoop, completion: @escaping Completion) {
        self.route = route
        self.format = format
        self.allocator = allocator
        self.state = .makeBoxSendingValue(State(), eventLoop: eventLoop)
        // On the loop (the request's): set here rather than sent into the box.
        state.value.completion = completion
    }

    /// - Parameter streamed: a bidi call's request messages as the adapter streams them (`request` is then
    ///   unused); nil when they are all in `request`.
    static func start(
        _ route: GRPCRouteCall, request: ByteBuffer, streamed: RequestMessageStream? = nil, headers: GatewayHeaders,
        trace: TraceHeaders? = nil, cancellation: CallCancellation?, hashKey: UInt64? = nil, on eventLoop: any EventLoop, allocator: ByteBufferAllocator,
        completion: @escaping Completion
    ) {
        let format = ResponseStreamFormat.negotiate(accept: headers.values("accept"))
        let relay = GRPCStreamRelay(route: route, format: format, allocator: allocator, eventLoop: eventLoop, completion: completion)
        let own = relay.cancellation
        cancellation?.onCancel { own.cancel() }
        let call: any GRPCMessageStream
        if let streamed {
            let (requests, responses) = route.caller.requestStreamingCall(
                path: route.path, metadata: route.metadata(from: headers, trace: trace), timeout: route.timeout, cancellation: own,
                hashKey: hashKey, on: eventLoop
            ) { message in
                relay.received(message)
            }
            call = responses
            GRPCRequestFeed.start(route, messages: streamed, into: requests, allocator: allocator) { relay.failed($0) }
        } else {
            let messages = route.method.clientStreaming ? GRPCMessageList.split(request) : [request]
            call = route.caller.streamingCall(
                path: route.path, messages: messages, clientStreaming: route.method.clientStreaming,
                metadata: route.metadata(from: headers, trace: trace), timeout: route.timeout, cancellation: own, hashKey: hashKey,
                on: eventLoop
            ) { message in
                relay.received(message)
            }
        }
        relay.state.value.call = call
        call.reply.assumeIsolated().whenComplete { relay.ended($0) }
        call.request(1)
    }

    private func received(_ message: ByteBuffer) {
        let json: ByteBuffer
        switch GRPCReplyResponse.json(of: message, call: route, allocator: allocator) {
        case .success(let bytes): json = bytes
        case .failure(let error):
            cancellation.cancel()
            if let completion = state.value.completion {
                state.value.completion = nil
                return completion(.success((error.response(allocator: allocator), .failure)))
            }
            state.value.stream?.finish(statusPart(code: 13, message: error.message), outcome: .failure)
            return
        }
        if let stream = state.value.stream { return stream.yield(json) }
        guard let completion = state.value.completion, let call = state.value.call else { return }
        state.value.completion = nil
        let own = cancellation
        let stream = ResponseStream(
            format: format, first: json, eventLoop: state.eventLoop, request: { call.request($0) }, cancel: { own.cancel() })
        state.value.stream = stream
        let metadata = GRPCReplyResponse.exposedMetadata(headers: call.headers, names: route.responseMetadata)
        var response = GatewayResponse(status: 200, headers: format.headers + metadata, body: nil, contentType: format.contentType)
        response.stream = stream
        completion(.success((response, .success)))
    }

    /// A streamed request message did not fit: the call is cancelled and the 400 is its answer, or the last
    /// part of a stream already under way (the client's mistake, so no failure for the guard).
    private func failed(_ error: GatewayError) {
        // Taken before cancelling: the call's end, which a cancellation may bring at once, then finds nothing.
        let completion = state.value.completion
        let stream = state.value.stream
        state.value.completion = nil
        state.value.stream = nil
        cancellation.cancel()
        let response = error.response(allocator: allocator)
        if let completion { return completion(.success((response, .success))) }
        // INVALID_ARGUMENT gives the part its 400; the body is the gateway's error, naming the item's field.
        stream?.finish(.error(code: 3, body: response.body ?? allocator.buffer(capacity: 0)), outcome: .success)
    }

    private func ended(_ result: Result<GRPCReply, any Error>) {
        if let stream = state.value.stream {
            state.value.stream = nil
            switch result {
            case .success(let reply) where reply.isOK:
                stream.finish(nil, outcome: .success)
            case .success(let reply):
                let part = ResponseStream.Part.error(code: reply.statusCode, body: statusJSON(reply.statusCode, reply.statusMessage, reply.statusDetails))
                stream.finish(part, outcome: GRPCStatusResponse.outcome(of: reply.statusCode))
            case .failure(let error):
                let gatewayError = GatewayError(client: error, service: route.service)
                stream.finish(statusPart(code: Self.statusCode(of: error), message: gatewayError.message), outcome: .failure)
            }
            return
        }
        guard let completion = state.value.completion else { return }
        state.value.completion = nil
        switch result {
        case .success(let reply) where reply.isOK:
            // No message at all: an empty stream.
            let response = GatewayResponse(status: 200, headers: format.headers, body: allocator.buffer(capacity: 0), contentType: format.contentType)
            completion(.success((response, .success)))
        case .success(let reply):
            completion(.success(GRPCReplyResponse.make(reply, call: route, allocator: allocator)))
        case .failure(let error):
            completion(.failure(error))
        }
    }

    private func statusPart(code: Int, message: String) -> ResponseStream.Part {
        .error(code: code, body: statusJSON(code, message, nil))
    }

    private func statusJSON(_ code: Int, _ message: String, _ details: ByteBuffer?) -> ByteBuffer {
        var body = allocator.buffer(capacity: 64 + message.utf8.count + 2 * (details?.readableBytes ?? 0))
        _ = ProtobufStatusJSON.write(code: code, message: message, details: details, schema: route.schema, options: route.options, into: &body)
        return body
    }

    /// The gRPC code a failure without a status is reported under, as gRPC clients report them.
    static func statusCode(of error: any Error) -> Int {
        guard let error = error as? ClientError else { return 2 }  // UNKNOWN
        switch error.kind {
        case .requestTimeout: return 4  // DEADLINE_EXCEEDED
        case .cancelled: return 1  // CANCELLED
        case .protocolError: return 13  // INTERNAL
        default: return 14  // UNAVAILABLE
        }
    }
}
