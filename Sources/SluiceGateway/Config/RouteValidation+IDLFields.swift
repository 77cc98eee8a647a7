internal import SluiceThrift

/// Where each field of a generated route's request struct comes from, per CloudWeGo's "IDL Definition
/// Specification for Mapping between Thrift and HTTP":
///
/// - `api.query`, `api.header`, `api.cookie` name the parameter (an empty value means the field's name);
///   `api.query` and `api.header` lists take comma-separated values;
/// - `api.body="key"` names the JSON body key (read through the schema's HTTP key table); on GET and HEAD
///   it is ignored;
/// - `api.form="key"`, or any field of a method with `api.serializer="form"`, is read from form bodies;
/// - `api.raw_body` receives the body's bytes, `api.raw_uri` the path and query; `api.none` is never bound;
///   `api.vd` is not evaluated, and noted as ignored;
/// - a field without any of these comes from the query on GET, HEAD, DELETE and OPTIONS (requests that
///   rarely carry a body), and from the body (JSON, or a form where the route takes forms) otherwise,
///   keyed by its name.
extension RouteValidation {
    static func isQueryMethod(_ method: String) -> Bool {
        method == "GET" || method == "DELETE" || method == "HEAD" || method == "OPTIONS"
    }

    /// GET and HEAD bodies have no meaning (RFC 9110 §9.3.1-2): their routes never read one.
    static func ignoresBody(_ method: String) -> Bool { method == "GET" || method == "HEAD" }

    /// Fills `route`'s parameters, form keys, raw body and body from `request`'s fields; `false` after
    /// reporting a field that cannot be bound.
    mutating func bindFields(
        of request: StructDescriptor,
        argument: String,
        call: String,
        bound: Set<String>,
        method: MethodDescriptor,
        into route: inout RouteConfiguration,
        schema: ThriftSchema
    ) -> Bool {
        let queryMethod = Self.isQueryMethod(route.method)
        let takesForms = !queryMethod
            && (method.annotations["api.serializer"] == "form" || request.fields.contains { $0.annotations["api.form"] != nil })
        for field in request.fields where field.annotations["api.vd"] != nil {
            let origin = ConfigOrigin(file: field.location.file, line: field.location.line, column: field.location.column)
            note(origin.diagnostic("note: api.vd on \(request.name).\(field.name) is ignored: Sluice does not evaluate Hertz validation expressions"))
        }
        for field in request.fields where !bound.contains(field.name) && field.annotations["api.none"] == nil {
            let origin = ConfigOrigin(file: field.location.file, line: field.location.line, column: field.location.column)
            let path = [argument, field.name]
            let textual = FieldPathResolution.acceptsText(field.type)
            func notText(_ key: String) -> ConfigDiagnostic {
                origin.diagnostic("\(key) on \(request.name).\(field.name), which is \(FieldPathResolution.describe(field.type, schema)); only scalars and lists of scalars can be bound from text")
            }
            if field.annotations["api.raw_body"] != nil {
                guard field.type == .string || field.type == .binary else {
                    report(origin.diagnostic("api.raw_body on \(request.name).\(field.name), which is \(FieldPathResolution.describe(field.type, schema)); only string and binary fields can hold the raw body"))
                    return false
                }
                if let other = route.rawBody {
                    report(origin.diagnostic("api.raw_body on \(request.name).\(field.name): \(other.fieldPath.joined(separator: ".")) already receives the raw body"))
                    return false
                }
                route.rawBody = RouteConfiguration.RawBody(fieldPath: path, isBinary: field.type == .binary)
                continue
            }
            if field.annotations["api.raw_uri"] != nil {
                guard field.type == .string else {
                    report(origin.diagnostic("api.raw_uri on \(request.name).\(field.name), which is \(FieldPathResolution.describe(field.type, schema)); only a string field can hold the request URI"))
                    return false
                }
                if let other = route.rawURI {
                    report(origin.diagnostic("api.raw_uri on \(request.name).\(field.name): \(other.joined(separator: ".")) already receives the request URI"))
                    return false
                }
                route.rawURI = path
                continue
            }
            // api.path names a variable of some route's path; on a route without it the field stays unset.
            var annotated = field.annotations["api.path"] != nil
            for key in ["api.query", "api.header", "api.cookie", "api.form"] {
                guard let value = field.annotations[key] else { continue }
                annotated = true
                guard textual else {
                    report(notText(key))
                    return false
                }
                let name = value.isEmpty ? field.name : value
                let splits = key != "api.cookie" && key != "api.form" && field.type.isList
                let parameter = RouteConfiguration.Parameter(
                    name: name, fieldPath: path, origin: origin, splitsCommas: splits, isBinary: field.type == .binary
                )
                switch key {
                case "api.query": route.query.append(parameter)
                case "api.header": route.headers.append(parameter)
                case "api.cookie": route.cookies.append(parameter)
                default: if takesForms { route.form.append(parameter) }
                }
            }
            if let key = field.annotations["api.body"] {
                annotated = true
                // On GET the body is not read; in a form body the key is the same as in JSON.
                if takesForms, textual, field.annotations["api.form"] == nil {
                    let name = key.isEmpty ? field.name : key
                    route.form.append(RouteConfiguration.Parameter(name: name, fieldPath: path, origin: origin, isBinary: field.type == .binary))
                }
            }
            guard !annotated, textual else { continue }
            let parameter = RouteConfiguration.Parameter(name: field.name, fieldPath: path, origin: origin, isBinary: field.type == .binary)
            if queryMethod {
                route.query.append(parameter)
            } else if takesForms {
                route.form.append(parameter)
            }
        }
        route.body = Self.ignoresBody(route.method) ? .fieldWithoutBody([argument]) : .field([argument])
        return true
    }
}
