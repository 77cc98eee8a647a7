internal import NIOCore
internal import SluiceClient
internal import SluiceTracing
internal import SluiceJSON
internal import SluiceProtobuf

/// A route's gRPC method: the request and response messages, the JSON options, and the service's client.
final class GRPCRouteCall: Sendable {
    let schema: ProtobufSchema
    let method: ProtobufMethod
    /// `/pkg.Service/Method`.
    let path: String
    let options: ProtobufTranscodeOptions
    /// The response field answered instead of the whole message (`response_body`).
    let responseField: [String]?
    let caller: any GRPCCaller
    /// The service's name, for errors.
    let service: String
    let timeout: TimeAmount
    /// The route's own `retry` and `hedge` (its `timeout` is in `timeout`); nil when it sets neither.
    let policy: CallPolicyOverride?
    /// What a `consistent_hash` service hashes to pick an endpoint, read from the request.
    let hashKey: ParamReader?
    /// Request headers sent as metadata.
    let forwardHeaders: [String]
    /// Response metadata copied onto the response as headers.
    let responseMetadata: [String]

    init(configuration: RouteConfiguration, method: ProtobufMethod, schema: ProtobufSchema, service: ServiceConfiguration, caller: any GRPCCaller) {
        self.schema = schema
        self.method = method
        self.path = "/" + GRPCMethodPath.of(method.fullName)
        self.options = configuration.protobufOptions
        self.responseField = configuration.responseBody
        self.caller = caller
        self.service = service.name
        self.timeout = configuration.callPolicy.timeout ?? service.requestTimeout
        self.policy = configuration.callPolicy.isEmpty ? nil : configuration.callPolicy
        self.hashKey = service.hashKey.map(ParamReader.init(hashKey:))
        self.forwardHeaders = service.grpc.forwardHeaders
        self.responseMetadata = service.grpc.responseMetadata
    }

    func encode(_ input: CallInput, allocator: ByteBufferAllocator) -> Result<ByteBuffer, GatewayError> {
        if method.clientStreaming { return encodeMessages(input.body ?? ByteBuffer(), allocator: allocator) }
        var message = allocator.buffer(capacity: (input.body?.readableBytes ?? 0) + 64)
        do throws(ProtobufTranscodeError) {
            try ProtobufJSONCodec.encode(method.input, schema: schema, input: input, options: options, into: &message)
            return .success(message)
        } catch {
            return .failure(GatewayError(request: error))
        }
    }

    /// A client-streaming route's body: a JSON array of request messages, or NDJSON (one message per line;
    /// any whitespace between them will do), each encoded, as a ``GRPCMessageList``.
    private func encodeMessages(_ body: ByteBuffer, allocator: ByteBufferAllocator) -> Result<ByteBuffer, GatewayError> {
        let ranges: [Range<Int>]
        switch JSONValueSequence.ranges(in: body, maxDepth: options.maxDepth) {
        case .success(let found): ranges = found
        case .failure(let error): return .failure(GatewayError(request: ProtobufTranscodeError(.syntax, offset: error.offset, error.message)))
        }
        var list = allocator.buffer(capacity: body.readableBytes + 8 * ranges.count)
        var message = allocator.buffer(capacity: 256)
        for (index, range) in ranges.enumerated() {
            guard let json = body.getSlice(at: body.readerIndex + range.lowerBound, length: range.count) else { continue }
            message.clear()
            do throws(ProtobufTranscodeError) {
                try ProtobufJSONCodec.encode(method.input, schema: schema, json: json, options: options, into: &message)
            } catch {
                var error = error
                // Paths and offsets name the message within the whole body.
                error.path = "$[\(index)]" + error.path.dropFirst()
                error.offset = error.offset.map { $0 + range.lowerBound }
                return .failure(GatewayError(request: error))
            }
            GRPCMessageList.append(message, to: &list)
        }
        return .success(list)
    }

    /// One request message that came on its own (a WebSocket item); errors name it where its carrier has it
    /// (`$.body.total`, the offset in the carrying message).
    func encode(item: RequestMessageStream.Item, allocator: ByteBufferAllocator) -> Result<ByteBuffer, GatewayError> {
        var message = allocator.buffer(capacity: item.json.readableBytes + 16)
        do throws(ProtobufTranscodeError) {
            try ProtobufJSONCodec.encode(method.input, schema: schema, json: item.json, options: options, into: &message)
            return .success(message)
        } catch {
            var error = error
            error.path = item.field + error.path.dropFirst()
            error.offset = error.offset.map { $0 + item.offset }
            return .failure(GatewayError(request: error))
        }
    }

    /// Sends the encoded request: one message, or for a client-streaming method each of its list.
    func send(
        _ request: ByteBuffer, headers: GatewayHeaders, trace: TraceHeaders? = nil, cancellation: CallCancellation?,
        hashKey: UInt64? = nil, on eventLoop: any EventLoop
    ) -> EventLoopFuture<GRPCReply> {
        let metadata = metadata(from: headers, trace: trace)
        guard method.clientStreaming else {
            return caller.call(
                path: path, message: request, metadata: metadata, timeout: timeout, cancellation: cancellation,
                policy: policy, hashKey: hashKey, on: eventLoop)
        }
        return caller.call(
            path: path, messages: GRPCMessageList.split(request), metadata: metadata, timeout: timeout,
            cancellation: cancellation, hashKey: hashKey, on: eventLoop)
    }

    /// The configured request headers, as metadata; then the gateway's trace context, in place of any the
    /// client's headers forwarded.
    func metadata(from headers: GatewayHeaders, trace: TraceHeaders? = nil) -> [(String, String)] {
        guard !forwardHeaders.isEmpty || trace != nil else { return [] }
        var metadata: [(String, String)] = []
        for name in forwardHeaders where trace == nil || !Self.isTraceContext(name) {
            for value in headers.values(name) { metadata.append((name, value)) }
        }
        if let trace {
            if let traceparent = trace.traceparent { metadata.append(("traceparent", traceparent)) }
            if let tracestate = trace.tracestate { metadata.append(("tracestate", tracestate)) }
        }
        return metadata
    }

    private static func isTraceContext(_ name: String) -> Bool {
        GatewayHeaders.sameName(name, "traceparent") || GatewayHeaders.sameName(name, "tracestate")
    }
}
