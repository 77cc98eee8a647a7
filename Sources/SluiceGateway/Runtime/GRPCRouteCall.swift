internal import NIOCore
internal import SluiceClient
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
    let timeout: TimeAmount
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
        self.timeout = service.requestTimeout
        self.forwardHeaders = service.grpc.forwardHeaders
        self.responseMetadata = service.grpc.responseMetadata
    }

    func encode(_ input: CallInput, allocator: ByteBufferAllocator) -> Result<ByteBuffer, GatewayError> {
        var message = allocator.buffer(capacity: (input.body?.readableBytes ?? 0) + 64)
        do throws(ProtobufTranscodeError) {
            try ProtobufJSONCodec.encode(method.input, schema: schema, input: input, options: options, into: &message)
            return .success(message)
        } catch {
            return .failure(GatewayError(request: error))
        }
    }

    /// The configured request headers, as metadata.
    func metadata(from headers: GatewayHeaders) -> [(String, String)] {
        guard !forwardHeaders.isEmpty else { return [] }
        var metadata: [(String, String)] = []
        for name in forwardHeaders {
            for value in headers.values(name) { metadata.append((name, value)) }
        }
        return metadata
    }
}
