internal import SluiceThrift

/// A route made ready for requests: everything a request needs is looked up once, here.
/// A class so the request path's closures retain one reference instead of copying every field.
final class CompiledRoute: Sendable {
    let configuration: RouteConfiguration
    let binder: RequestBinder
    let method: MethodDescriptor
    let schema: ThriftSchema
    let service: ServiceRuntime
    let options: TranscodeOptions
    let guardedCall: GuardedCall
    /// Success fields that become headers, cookies or the status (routes from `api.*` annotations only).
    let responsePlan: HTTPResponsePlan?
    /// HTTP status for each declared exception, by its `throws` field id.
    let exceptionStatus: [(fieldID: Int16, status: Int)]

    init(index: Int, configuration: RouteConfiguration, method: MethodDescriptor, schema: ThriftSchema, service: ServiceRuntime) {
        self.configuration = configuration
        self.binder = RequestBinder(route: configuration)
        self.method = method
        self.schema = schema
        self.service = service
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
        self.guardedCall = GuardedCall(service: configuration.service, call: configuration.call, route: index)
        var statuses: [(fieldID: Int16, status: Int)] = []
        for field in schema[method.result].fields where field.id != 0 {
            var status = configuration.exceptionStatus[field.name]
            if status == nil, case .structure(let id) = field.type {
                let typeName = schema[id].name
                let shortName = typeName.lastIndex(of: ".").map { String(typeName[typeName.index(after: $0)...]) } ?? typeName
                status = configuration.exceptionStatus[typeName] ?? configuration.exceptionStatus[shortName]
            }
            statuses.append((field.id, status ?? 500))
        }
        self.exceptionStatus = statuses
    }

    func status(forExceptionField fieldID: Int16) -> Int {
        exceptionStatus.first { $0.fieldID == fieldID }?.status ?? 500
    }
}
