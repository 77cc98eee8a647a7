internal import SluiceThrift

/// Checks of a generated route's response struct: what ``HTTPResponsePlan`` would otherwise have to
/// guess at. `api.raw_body` makes one `string` or `binary` field the whole response body.
extension RouteValidation {
    /// `false` after reporting a response struct whose `api.raw_body` cannot be served.
    mutating func checkResponseFields(of method: MethodDescriptor, in service: ServiceDescriptor, schema: ThriftSchema) -> Bool {
        guard case .structure(let id)? = method.returnType else { return true }
        let response = schema[id]
        var rawBody: FieldDescriptor?
        for field in response.fields where field.annotations["api.raw_body"] != nil {
            let origin = ConfigOrigin(file: field.location.file, line: field.location.line, column: field.location.column)
            guard field.type == .string || field.type == .binary else {
                report(origin.diagnostic("api.raw_body on \(response.name).\(field.name), the response of \(service.name).\(method.name), which is \(FieldPathResolution.describe(field.type, schema)); only a string or binary field can be the response body"))
                return false
            }
            if let rawBody {
                report(origin.diagnostic("api.raw_body on \(response.name).\(field.name): \(response.name).\(rawBody.name) is already the response body of \(service.name).\(method.name)"))
                return false
            }
            rawBody = field
        }
        return true
    }
}
