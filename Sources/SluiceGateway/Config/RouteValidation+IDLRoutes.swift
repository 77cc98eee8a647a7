internal import SluiceThrift

/// Routes generated from Kitex/Hertz `api.*` annotations for services with `routes_from_idl: true`.
///
/// As CloudWeGo's Thrift-HTTP mapping specification reads them: `api.get|post|put|delete|patch = "/path/:id"`
/// on a method makes a route (a path without its leading `/` gets one, as hz does); fields of the method's
/// FIRST argument (a struct) are bound as `RouteValidation+IDLFields.swift` describes.
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
        // hz serves `api.get="student/query"` at `/student/query`.
        let path = path.hasPrefix("/") ? path : "/" + path
        do {
            template = try PathTemplate.parse(path)
        } catch {
            report(origin.diagnostic("bad path '\(path)' in \(call)'s api annotation: \(error)"))
            return
        }
        var route = RouteConfiguration(
            method: httpMethod, template: template, service: service, call: call, httpAnnotations: true, origin: origin
        )
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
        guard bindFields(of: request, argument: first.name, call: call, bound: bound, method: method, into: &route, schema: schema) else {
            return
        }
        addRoute(route, at: origin)
    }
}
