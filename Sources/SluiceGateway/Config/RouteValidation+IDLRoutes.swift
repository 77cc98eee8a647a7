internal import SluiceThrift

/// Routes generated from Kitex/Hertz `api.*` annotations for services with `routes_from_idl: true`.
///
/// As Hertz reads them: `api.get|post|put|delete|patch = "/path/:id"` on a method makes a route; fields of
/// the method's FIRST argument (a struct) are bound by `api.path` (the variable's name, else the field's own
/// name), `api.query`, `api.header` and `api.cookie`; every other field comes from the JSON body, which fills
/// that first argument.
extension RouteValidation {
    static let routeAnnotations: [(key: String, method: String)] = [
        ("api.get", "GET"), ("api.post", "POST"), ("api.put", "PUT"), ("api.delete", "DELETE"), ("api.patch", "PATCH"),
    ]

    mutating func addGeneratedRoutes() {
        for service in services where service.configuration.routesFromIDL {
            guard let schema = schemas[service.configuration.name] else { continue }
            var generated = 0
            // Only the root file's services (included ones are qualified `inc.Name`), in a stable order.
            for idlService in schema.services.values.filter({ !$0.name.contains(".") }).sorted(by: { $0.name < $1.name }) {
                for method in idlService.methods {
                    for annotation in method.annotations.entries {
                        guard let httpMethod = Self.routeAnnotations.first(where: { $0.key == annotation.key })?.method else {
                            continue
                        }
                        generated += 1
                        addGeneratedRoute(
                            httpMethod: httpMethod,
                            path: annotation.value,
                            service: service.configuration.name,
                            idlService: idlService,
                            method: method,
                            schema: schema
                        )
                    }
                }
            }
            if generated == 0 {
                report(service.configuration.origin.diagnostic(
                    "'\(service.configuration.name)' sets routes_from_idl, but \(schema.rootFile) has no api.get/post/put/delete/patch annotations"
                ))
            }
        }
    }

    private mutating func addGeneratedRoute(
        httpMethod: String,
        path: String,
        service: String,
        idlService: ServiceDescriptor,
        method: MethodDescriptor,
        schema: ThriftSchema
    ) {
        let origin = ConfigOrigin(file: method.location.file, line: method.location.line, column: method.location.column)
        let call = "\(idlService.name).\(method.name)"
        var template: PathTemplate
        do {
            template = try PathTemplate.parse(path)
        } catch {
            report(origin.diagnostic("bad path '\(path)' in \(call)'s api annotation: \(error)"))
            return
        }
        var route = RouteConfiguration(method: httpMethod, template: template, service: service, call: call, origin: origin)
        let arguments = schema[method.arguments]
        guard let first = arguments.fields.first else {
            if let variable = template.variables.first {
                report(origin.diagnostic("path variable '\(variable.name)' of \(call) has nothing to bind to: the method takes no arguments"))
                return
            }
            addRoute(route, at: origin)
            return
        }
        guard case .structure(let requestID) = first.type else {
            // A scalar first argument: variables bind to arguments by name, nothing else applies.
            for variable in template.variables where arguments.fieldIndex(named: variable.name) == nil {
                report(origin.diagnostic("path variable '\(variable.name)' of \(call) matches no argument"))
                return
            }
            addRoute(route, at: origin)
            return
        }
        let request = schema[requestID]
        var bound: Set<String> = []
        // Path variables: the field whose api.path names the variable, else the field of that name.
        for index in template.segments.indices {
            let variable: PathTemplate.Variable
            switch template.segments[index] {
            case .single(let value?), .rest(let value?): variable = value
            default: continue
            }
            guard let field = request.fields.first(where: { $0.annotations["api.path"] == variable.name })
                ?? request.fields.first(where: { $0.name == variable.name })
            else {
                report(origin.diagnostic("path variable '\(variable.name)' of \(call) matches no field of \(request.name) (annotate one with api.path=\"\(variable.name)\")"))
                return
            }
            guard FieldPathResolution.acceptsText(field.type) else {
                report(origin.diagnostic("path variable '\(variable.name)' of \(call) binds \(request.name).\(field.name), which is \(FieldPathResolution.describe(field.type, schema))"))
                return
            }
            bound.insert(field.name)
            let renamed = PathTemplate.Variable(name: variable.name, fieldPath: [first.name, field.name])
            switch template.segments[index] {
            case .rest: template.segments[index] = .rest(renamed)
            default: template.segments[index] = .single(renamed)
            }
        }
        route.template = template
        for field in request.fields where !bound.contains(field.name) {
            let fieldOrigin = ConfigOrigin(file: field.location.file, line: field.location.line, column: field.location.column)
            for (key, kind) in [("api.query", 0), ("api.header", 1), ("api.cookie", 2)] {
                guard let name = field.annotations[key] else { continue }
                guard FieldPathResolution.acceptsText(field.type) else {
                    report(fieldOrigin.diagnostic("\(key) on \(request.name).\(field.name), which is \(FieldPathResolution.describe(field.type, schema)); only scalars and lists of scalars can be bound from text"))
                    return
                }
                let parameter = RouteConfiguration.Parameter(name: name, fieldPath: [first.name, field.name], origin: fieldOrigin)
                switch kind {
                case 0: route.query.append(parameter)
                case 1: route.headers.append(parameter)
                default: route.cookies.append(parameter)
                }
            }
            if let key = field.annotations["api.body"], key != field.name {
                report(fieldOrigin.diagnostic("api.body=\"\(key)\" on \(request.name).\(field.name): Sluice reads body fields by their IDL names, so the key must be '\(field.name)'"))
                return
            }
        }
        route.body = .field([first.name])
        addRoute(route, at: origin)
    }
}
