internal import NIOCore
internal import SluiceClient
internal import SluiceJSON
internal import SluiceThrift

/// A route's Thrift method: the `_args`/`_result` codec settings and the client of its IDL service.
final class ThriftRouteCall: Sendable {
    let method: MethodDescriptor
    let schema: ThriftSchema
    let protocolKind: ThriftProtocolKind
    let options: TranscodeOptions
    let caller: any ThriftCaller
    let timeout: TimeAmount
    /// The route's own `retry` and `hedge` (its `timeout` is in `timeout`); nil when it sets neither.
    let policy: CallPolicyOverride?
    /// What a `consistent_hash` service hashes to pick an endpoint, read from the request.
    let hashKey: ParamReader?
    let voidAsEmptyObject: Bool
    /// Success fields that become headers, cookies or the status (routes from `api.*` annotations only).
    let responsePlan: HTTPResponsePlan?
    /// HTTP status for each declared exception, by its `throws` field id.
    let exceptionStatus: [(fieldID: Int16, status: Int)]
    /// Each declared exception's qualified type name (`common.NotFound`), by `throws` field id.
    let exceptionTypes: [Int16: String]

    init(configuration: RouteConfiguration, method: MethodDescriptor, schema: ThriftSchema, service: ServiceConfiguration, caller: any ThriftCaller) {
        self.method = method
        self.schema = schema
        self.protocolKind = service.protocolKind
        self.caller = caller
        self.timeout = configuration.callPolicy.timeout ?? service.requestTimeout
        self.policy = configuration.callPolicy.isEmpty ? nil : configuration.callPolicy
        self.hashKey = service.hashKey.map(ParamReader.init(hashKey:))
        self.voidAsEmptyObject = configuration.options.voidAsEmptyObject
        self.options = TranscodeOptions(
            strict: configuration.strict,
            int64AsString: configuration.options.int64AsString,
            enumsAsNames: configuration.options.enumsAsNames,
            httpAnnotations: configuration.httpAnnotations
        )
        if configuration.httpAnnotations, case .structure(let success)? = method.returnType {
            self.responsePlan = HTTPResponsePlan(success: schema[success])
        } else {
            self.responsePlan = nil
        }
        var statuses: [(fieldID: Int16, status: Int)] = []
        var types: [Int16: String] = [:]
        for field in schema[method.result].fields where field.id != 0 {
            var status = configuration.exceptionStatus[field.name]
            if case .structure(let id) = field.type { types[field.id] = schema[id].name }
            if status == nil, case .structure(let id) = field.type {
                let typeName = schema[id].name
                let shortName = typeName.lastIndex(of: ".").map { String(typeName[typeName.index(after: $0)...]) } ?? typeName
                status = configuration.exceptionStatus[typeName] ?? configuration.exceptionStatus[shortName]
            }
            statuses.append((field.id, status ?? 500))
        }
        self.exceptionStatus = statuses
        self.exceptionTypes = types
    }

    func status(forExceptionField fieldID: Int16) -> Int {
        exceptionStatus.first { $0.fieldID == fieldID }?.status ?? 500
    }

    func encode(_ input: CallInput, allocator: ByteBufferAllocator) -> Result<ByteBuffer, GatewayError> {
        var arguments = allocator.buffer(capacity: (input.body?.readableBytes ?? 0) + 64)
        do throws(TranscodeError) {
            try ThriftJSONCodec.encodeArguments(
                method: method, schema: schema, input: input, protocol: protocolKind, options: options, into: &arguments)
            return .success(arguments)
        } catch {
            return .failure(GatewayError(request: error))
        }
    }
}
