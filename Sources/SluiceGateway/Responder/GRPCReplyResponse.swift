internal import NIOCore
internal import SluiceClient
internal import SluiceProtobuf

/// Turns a gRPC reply into the HTTP-neutral response: OK is 200 with the response message (or its
/// `response_body` field) as JSON; any other status is the HTTP status google/rpc/code.proto gives it, with
/// grpc-gateway's body `{"code": <int>, "message": "...", "details": [...]}`.
enum GRPCReplyResponse {
    static func make(_ reply: GRPCReply, call: GRPCRouteCall, allocator: ByteBufferAllocator) -> (GatewayResponse, GuardOutcome) {
        let headers = exposedMetadata(reply, names: call.responseMetadata)
        guard reply.isOK else {
            var (response, _) = GRPCStatusResponse.make(
                code: reply.statusCode, message: reply.statusMessage, details: reply.statusDetails, schema: call.schema,
                options: call.options, allocator: allocator)
            response.headers += headers
            return (response, GRPCStatusResponse.outcome(of: reply.statusCode))
        }
        guard let message = reply.message else {
            let error = GatewayError(.badGateway, "the backend answered \(call.method.fullName) with status OK but no response message")
            return (error.response(allocator: allocator), .failure)
        }
        switch json(of: message, call: call, allocator: allocator) {
        case .success(let output): return (GatewayResponse(status: 200, headers: headers, body: output), .success)
        case .failure(let error): return (error.response(allocator: allocator), .failure)
        }
    }

    /// One response message (or its `response_body` field) as JSON; a message that cannot be read is the
    /// backend's fault, a 502.
    static func json(of message: ByteBuffer, call: GRPCRouteCall, allocator: ByteBufferAllocator) -> Result<ByteBuffer, GatewayError> {
        var message = message
        // JSON is usually larger than the protobuf it comes from; start at twice the size to grow rarely.
        var output = allocator.buffer(capacity: 2 * message.readableBytes + 16)
        do throws(ProtobufTranscodeError) {
            if let field = call.responseField {
                try ProtobufJSONCodec.decode(call.method.output, schema: call.schema, from: &message, field: field, options: call.options, into: &output)
            } else {
                try ProtobufJSONCodec.decode(call.method.output, schema: call.schema, from: &message, options: call.options, into: &output)
            }
        } catch {
            return .failure(GatewayError(.badGateway, "the backend's response could not be decoded: \(error.description)"))
        }
        return .success(output)
    }

    /// The configured metadata names, from the response headers then the trailers, as headers.
    static func exposedMetadata(_ reply: GRPCReply, names: [String]) -> [(name: String, value: String)] {
        exposedMetadata(headers: reply.headers, trailers: reply.trailers, names: names)
    }

    /// The same from the fields at hand: a streamed response's head goes out before its trailers come.
    static func exposedMetadata(
        headers: [(name: String, value: String)], trailers: [(name: String, value: String)] = [], names: [String]
    ) -> [(name: String, value: String)] {
        guard !names.isEmpty else { return [] }
        var exposed: [(name: String, value: String)] = []
        for name in names {
            for field in headers where field.name == name { exposed.append((name, field.value)) }
            for field in trailers where field.name == name { exposed.append((name, field.value)) }
        }
        return exposed
    }
}

/// A non-OK gRPC status as an HTTP response.
enum GRPCStatusResponse {
    /// google/rpc/code.proto's HTTP mapping, as grpc-gateway and Envoy's transcoder apply it.
    static func httpStatus(of code: Int) -> Int {
        switch code {
        case 0: 200
        case 1: 499  // CANCELLED
        case 3, 9, 11: 400  // INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE
        case 4: 504  // DEADLINE_EXCEEDED
        case 5: 404  // NOT_FOUND
        case 6, 10: 409  // ALREADY_EXISTS, ABORTED
        case 7: 403  // PERMISSION_DENIED
        case 8: 429  // RESOURCE_EXHAUSTED
        case 12: 501  // UNIMPLEMENTED
        case 14: 503  // UNAVAILABLE
        case 16: 401  // UNAUTHENTICATED
        default: 500  // UNKNOWN, INTERNAL, DATA_LOSS and codes beyond the list
        }
    }

    /// Statuses that say the backend is unwell count as failures for the guard (a breaker opens on them);
    /// the rest are answers about the request, errors only where a rule's `errors:` lists them.
    static func outcome(of code: Int) -> GuardOutcome {
        switch code {
        case 0: .success
        case 2, 4, 13, 14, 15: .failure  // UNKNOWN, DEADLINE_EXCEEDED, INTERNAL, UNAVAILABLE, DATA_LOSS
        default: .grpcStatus(code)
        }
    }

    /// The response, and what of the details could not be read (for the log).
    static func make(
        code: Int, message: String, details: ByteBuffer?, schema: ProtobufSchema, options: ProtobufTranscodeOptions,
        allocator: ByteBufferAllocator
    ) -> (GatewayResponse, ProtobufStatusJSON.Outcome) {
        var body = allocator.buffer(capacity: 64 + message.utf8.count + 2 * (details?.readableBytes ?? 0))
        let outcome = ProtobufStatusJSON.write(code: code, message: message, details: details, schema: schema, options: options, into: &body)
        var response = GatewayResponse(status: httpStatus(of: code), body: body)
        response.failure = .grpc(code: code, message: message)
        return (response, outcome)
    }
}
