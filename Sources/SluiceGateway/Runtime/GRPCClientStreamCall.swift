internal import NIOCore
internal import SluiceClient
internal import SluiceTracing

/// A client-streaming call over an adapter that streams the request messages: the one reply is answered as a
/// unary call's; a bad item answers 400 first and cancels the call.
enum GRPCClientStreamCall {
    typealias Completion = (Result<(GatewayResponse, GuardOutcome), any Error>) -> Void

    static func start(
        _ route: GRPCRouteCall, messages: RequestMessageStream, headers: GatewayHeaders, trace: TraceHeaders?,
        cancellation: CallCancellation?, hashKey: UInt64?, on eventLoop: any EventLoop, allocator: ByteBufferAllocator, completion: @escaping Completion
    ) {
        // The call's own, so a bad item can stop it whether or not the adapter gave a cancellation.
        let own = CallCancellation()
        cancellation?.onCancel { own.cancel() }
        let answered = NIOLoopBoundBox(false, eventLoop: eventLoop)
        let (requests, responses) = route.caller.requestStreamingCall(
            path: route.path, metadata: route.metadata(from: headers, trace: trace), timeout: route.timeout, cancellation: own,
            hashKey: hashKey, on: eventLoop, onMessage: nil)
        GRPCRequestFeed.start(route, messages: messages, into: requests, allocator: allocator) { error in
            guard !answered.value else { return }
            answered.value = true
            own.cancel()
            // The client's mistake, not the backend's: the guard counts it as an answer.
            completion(.success((error.response(allocator: allocator), .success)))
        }
        responses.reply.assumeIsolated().whenComplete { result in
            guard !answered.value else { return }
            answered.value = true
            completion(result.map { GRPCReplyResponse.make($0, call: route, allocator: allocator) })
        }
    }
}
