internal import SluiceClient
internal import SluiceProtobuf
internal import SluiceThrift

/// What flow rules name in the IDL, checked once every route is known: a circuit breaker's `exception:<name>`
/// and a hot-parameter rule's `param: {field: a.b}` must exist in the method the rule's resource calls, since
/// at run time a name that matches nothing is silently never counted or read.
extension RouteValidation {
    /// The method a resource calls: a route's, or the method a method resource is (every route to it calls
    /// the same one).
    enum CalledMethod {
        case thrift(ThriftSchema, MethodDescriptor, call: String)
        case grpc(ProtobufSchema, ProtobufMethod)
        /// A route to a `protocol: http` service.
        case noMethod
    }

    /// Nil for an API group, which spans routes by path, and for a name no route or method is (reported
    /// already).
    func calledMethod(of resource: String) -> CalledMethod? {
        let route = routes.first { $0.resource == resource } ?? routes.first { $0.methodResource == resource }
        let service: String, call: String
        if let route {
            (service, call) = (route.service, route.call)
        } else if let colon = resource.firstIndex(of: ":") {
            // A gRPC method passed through, which no route calls.
            (service, call) = (String(resource[..<colon]), String(resource[resource.index(after: colon)...]))
        } else {
            return nil
        }
        if let schema = schemas[service], let (_, method) = schema.method(call) { return .thrift(schema, method, call: call) }
        if let schema = protobufIDLs[service]?.schema, let method = schema.method(named: call) { return .grpc(schema, method) }
        return route == nil ? nil : .noMethod
    }

    /// `exception:<name>` must be declared by the resource's Thrift method, by one of the names the runtime
    /// matches (``RouteCall/exceptionNames(of:in:)``).
    mutating func checkException(_ reference: FlowRulesDraft.ExceptionReference) {
        guard let called = calledMethod(of: reference.resource) else { return }
        guard case .thrift(let schema, let method, let call) = called else {
            let instead = "count its failures with grpc:<code> or http:<status>"
            report(reference.origin.diagnostic(
                "exceptions apply only to Thrift methods; resource '\(reference.resource)' calls none (\(instead))"))
            return
        }
        var names: Set<String> = []
        var shown: [String] = []
        for field in schema[method.result].fields where field.id != 0 {
            let answers = RouteCall.exceptionNames(of: field, in: schema)
            names.formUnion(answers)
            // The type's short name, as the IDL's `throws` spells it in its own file.
            if let short = answers.last { shown.append(short) }
        }
        guard !names.contains(reference.name) else { return }
        var detail = "declared: \(shown.isEmpty ? "none" : shown.joined(separator: ", "))"
        if let near = Self.nearest(to: reference.name, among: names) { detail += "; did you mean '\(near)'?" }
        report(reference.origin.diagnostic(
            "resource '\(reference.resource)' calls \(call), which does not declare the exception '\(reference.name)' (\(detail))"))
    }

    /// `param: {field: a.b}` must be a field path of the resource's method's arguments (Thrift) or request
    /// message (gRPC).
    mutating func checkArgumentField(_ reference: FlowRulesDraft.ArgumentFieldReference) {
        guard let called = calledMethod(of: reference.resource) else { return }
        let path = reference.path
        let problem: FieldPathProblem, call: String, fields: ([String]) -> [String]?
        switch called {
        case .noMethod:
            report(reference.origin.diagnostic(
                "'field' reads a method's arguments, and resource '\(reference.resource)' calls no Thrift or gRPC method"))
            return
        case .thrift(let schema, let method, let name):
            guard case .failure(let failure) = FieldPathResolution.resolve(path, arguments: method.arguments, schema: schema) else { return }
            (problem, call) = (failure, name)
            fields = { prefix in
                guard case .success(.structure(let id)) = FieldPathResolution.resolve(prefix, arguments: method.arguments, schema: schema)
                else { return nil }
                return schema[id].fields.map(\.name)
            }
        case .grpc(let schema, let method):
            guard case .failure(let failure) = ProtobufFieldPath.resolve(path, in: method.input, schema: schema) else { return }
            (problem, call) = (failure, method.fullName)
            fields = { prefix in
                guard !prefix.isEmpty else { return schema[method.input].fields.map(\.name) }
                guard case .success(let field) = ProtobufFieldPath.resolve(prefix, in: method.input, schema: schema),
                    case .message(let id) = field.type, field.label != .repeated, !field.isMap
                else { return nil }
                return schema[id].fields.map(\.name)
            }
        }
        let message = "'field' \(path.joined(separator: ".")) is not in the arguments of \(call): \(problem.message)"
        let near = Self.suggestion(for: path, fields: fields).map { "\(message) (did you mean '\($0.joined(separator: "."))'?)" }
        report(reference.origin.diagnostic(near ?? message))
    }

    /// `path` with its first unknown component replaced by the nearest field name there, when one is near;
    /// `fields(prefix)` lists the fields of the struct at `prefix` (nil when it is not one).
    private static func suggestion(for path: [String], fields: ([String]) -> [String]?) -> [String]? {
        for depth in path.indices {
            guard let names = fields(Array(path[..<depth])) else { return nil }
            if names.contains(path[depth]) { continue }
            guard let near = nearest(to: path[depth], among: Set(names)) else { return nil }
            var fixed = path
            fixed[depth] = near
            return fixed
        }
        return nil
    }

    /// The known name a few edits from `name`, as ``unknownResource(_:among:)`` picks it.
    static func nearest(to name: String, among known: Set<String>) -> String? {
        known.map { (name: $0, distance: editDistance($0, name)) }
            .filter { $0.distance <= max(1, min(2, name.count / 4)) }
            .min { ($0.distance, $0.name) < ($1.distance, $1.name) }?.name
    }
}
