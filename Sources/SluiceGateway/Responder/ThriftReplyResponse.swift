internal import NIOCore
internal import SluiceClient
internal import SluiceThrift

/// Turns a backend reply into the HTTP-neutral response: success 200, void 204 (or 200 `{}`), oneway 202,
/// a declared exception with the route's status, a TApplicationException 502.
enum ThriftReplyResponse {
    static func make(_ reply: ThriftReply, call route: ThriftRouteCall, allocator: ByteBufferAllocator) -> (GatewayResponse, GuardOutcome) {
        let protocolKind = route.protocolKind
        var body = reply.body
        switch reply.messageType {
        case .reply:
            // JSON is usually larger than the Thrift it comes from; start at twice the size to grow rarely.
            var output = allocator.buffer(capacity: 2 * body.readableBytes + 16)
            do throws(TranscodeError) {
                let outcome: ResultOutcome
                var extracted: [HTTPResponseValue] = []
                if let plan = route.responsePlan {
                    (outcome, extracted) = try ThriftJSONCodec.decodeResult(
                        method: route.method, schema: route.schema, from: &body, protocol: protocolKind,
                        options: route.options, responsePlan: plan, into: &output
                    )
                } else {
                    outcome = try ThriftJSONCodec.decodeResult(
                        method: route.method, schema: route.schema, from: &body, protocol: protocolKind,
                        options: route.options, into: &output
                    )
                }
                switch outcome {
                case .success where !extracted.isEmpty || route.responsePlan?.rawBodyIsBinary != nil:
                    let rawBody = route.responsePlan?.rawBodyIsBinary
                    return (GatewayResponse(mapping: extracted, rawBodyIsBinary: rawBody, body: output), .success)
                case .success:
                    return (GatewayResponse(status: 200, body: output), .success)
                case .void:
                    if route.voidAsEmptyObject {
                        output.writeStaticString("{}")
                        return (GatewayResponse(status: 200, body: output), .success)
                    }
                    return (GatewayResponse(status: 204, body: nil), .success)
                case .exception(let type, let fieldID):
                    var response = GatewayResponse(status: route.status(forExceptionField: fieldID), body: output)
                    response.failure = .exception(type: route.exceptionTypes[fieldID] ?? type)
                    return (response, .exception(fieldID: fieldID))
                }
            } catch {
                return (GatewayError(reply: error).response(allocator: allocator), .failure)
            }
        case .exception:
            do throws(TranscodeError) {
                let exception = try ThriftJSONCodec.decodeApplicationException(from: &body, protocol: protocolKind)
                let error = GatewayError(.applicationException, exception.message, applicationExceptionType: exception.type)
                return (error.response(allocator: allocator), .failure)
            } catch {
                return (GatewayError(reply: error).response(allocator: allocator), .failure)
            }
        case .oneway:
            return (GatewayResponse(status: 202, body: nil), .success)
        case .call:
            let error = GatewayError(.badGateway, "the backend answered with a CALL message")
            return (error.response(allocator: allocator), .failure)
        }
    }
}
