internal import NIOCore
internal import SluiceClient
internal import SluiceTracing
internal import SluiceJSON
internal import SluiceProtobuf
internal import SluiceThrift

/// What a route calls: the codec that turns its input into a request and the reply into a response, and the
/// client that carries it. The dispatcher sees only these three steps, never the protocol behind them.
///
/// An enum rather than an existential: every request goes through it, and a switch over two cases is
/// cheaper than a witness-table call on a boxed value, and keeps each protocol's code monomorphic.
enum RouteCall: Sendable {
    case thrift(ThriftRouteCall)
    case grpc(GRPCRouteCall)

    /// The request bytes for `input`, or the 400 saying what in it does not fit.
    func encode(_ input: CallInput, allocator: ByteBufferAllocator) -> Result<ByteBuffer, GatewayError> {
        switch self {
        case .thrift(let call): call.encode(input, allocator: allocator)
        case .grpc(let call): call.encode(input, allocator: allocator)
        }
    }

    /// Whether the call takes request messages one by one when the adapter streams them (client-streaming and
    /// bidi gRPC methods); ``send(_:headers:streamed:cancellation:on:allocator:completion:)`` then takes them.
    var streamsRequests: Bool {
        switch self {
        case .thrift: false
        case .grpc(let call): call.method.clientStreaming
        }
    }

    /// The request's key for a `consistent_hash` service (nil when the service hashes nothing, or the request
    /// lacks the part it hashes: the balancer then draws by weight).
    func hashKey(_ request: GatewayRequest, input: CallInput) -> UInt64? {
        let reader: ParamReader?
        switch self {
        case .thrift(let call): reader = call.hashKey
        case .grpc(let call): reader = call.hashKey
        }
        guard let reader else { return nil }
        return reader.read(FlowRequestItems(request), input: input).map { BalancerHash.fnv1a64($0) }
    }

    /// Sends `request`; `completion` runs on `eventLoop` with the response and how the guard should count it,
    /// or with the client's error when there was no answer. A callback rather than a mapped future: one
    /// allocation fewer per request. With `streamed` (only when ``streamsRequests``), the request messages come
    /// from it, encoded as they come, and `request` is unused.
    func send(
        _ request: ByteBuffer,
        headers: GatewayHeaders,
        trace: TraceHeaders? = nil,
        streamed: RequestMessageStream? = nil,
        cancellation: CallCancellation?,
        hashKey: UInt64? = nil,
        on eventLoop: any EventLoop,
        allocator: ByteBufferAllocator,
        completion: @escaping (Result<(GatewayResponse, GuardOutcome), any Error>) -> Void
    ) {
        switch self {
        case .thrift(let call):
            call.caller.call(
                method: call.method.name, oneway: call.method.oneway, arguments: request, timeout: call.timeout,
                cancellation: cancellation, policy: call.policy, hashKey: hashKey,
                metainfo: trace.map(Self.metainfo(of:)) ?? [], on: eventLoop
            ).assumeIsolated().whenComplete { result in
                completion(result.map { reply in
                    var (response, outcome) = ThriftReplyResponse.make(reply, call: call, allocator: allocator)
                    response.upstream = UpstreamNote(endpoint: reply.endpoint, attempts: reply.attempts)
                    return (response, outcome)
                })
            }
        case .grpc(let call) where call.method.serverStreaming:
            GRPCStreamRelay.start(
                call, request: request, streamed: streamed, headers: headers, trace: trace, cancellation: cancellation, hashKey: hashKey, on: eventLoop,
                allocator: allocator, completion: completion)
        case .grpc(let call):
            if let streamed {
                return GRPCClientStreamCall.start(
                    call, messages: streamed, headers: headers, trace: trace, cancellation: cancellation, hashKey: hashKey, on: eventLoop, allocator: allocator,
                    completion: completion)
            }
            let reply = call.send(request, headers: headers, trace: trace, cancellation: cancellation, hashKey: hashKey, on: eventLoop)
            reply.assumeIsolated().whenComplete { result in
                completion(result.map { reply in
                    var (response, outcome) = GRPCReplyResponse.make(reply, call: call, allocator: allocator)
                    response.upstream = UpstreamNote(endpoint: reply.endpoint, attempts: reply.attempts)
                    return (response, outcome)
                })
            }
        }
    }

    /// Trace context as Kitex's transient metainfo (TTHeader `RPC_TRANSIT_traceparent`, as obs-opentelemetry
    /// writes it).
    private static func metainfo(of trace: TraceHeaders) -> [(key: String, value: String)] {
        var metainfo: [(key: String, value: String)] = []
        if let traceparent = trace.traceparent { metainfo.append(("traceparent", traceparent)) }
        if let tracestate = trace.tracestate { metainfo.append(("tracestate", tracestate)) }
        return metainfo
    }
}
