internal import SluiceThrift

/// Routes generated from Kitex/Hertz `api.*` annotations for services with `routes_from_idl: true`.
///
/// As CloudWeGo's Thrift-HTTP mapping specification reads them, and hz registers them:
/// `api.get|post|put|delete|patch|options|head = "/path/:id"` on a method makes a route (a path without its
/// leading `/` gets one, as hz does), and `api.any` one route per method Sluice serves; fields of the
/// method's FIRST argument (a struct) are bound as `RouteValidation+IDLFields.swift` describes.
extension RouteValidation {
    static let routeAnnotations: [(key: String, methods: [String])] = [
        ("api.get", ["GET"]), ("api.post", ["POST"]), ("api.put", ["PUT"]), ("api.delete", ["DELETE"]),
        ("api.patch", ["PATCH"]), ("api.options", ["OPTIONS"]), ("api.head", ["HEAD"]),
        // Hertz's `Any` also registers CONNECT and TRACE, which Sluice does not route.
        ("api.any", RouteFile.httpMethods),
    ]

    mutating func addGeneratedRoutes() {
        for service in services where service.configuration.routesFromIDL && service.configuration.kind == .thrift {
            guard let schema = schemas[service.configuration.name] else { continue }
            var generated = 0
            // Only the root file's services (included ones are qualified `inc.Name`), in a stable order.
            for idlService in schema.services.values.filter({ !$0.name.contains(".") }).sorted(by: { $0.name < $1.name }) {
                for method in idlService.methods {
                    let annotations = method.annotations.entries.compactMap { annotation in
                        Self.routeAnnotations.first { $0.key == annotation.key }.map { (annotation, $0.methods) }
                    }
                    guard !annotations.isEmpty else { continue }
                    generated += annotations.count
                    guard checkResponseFields(of: method, in: idlService, schema: schema) else { continue }
                    for (annotation, httpMethods) in annotations {
                        addGeneratedRoute(
                            annotation: annotation.key,
                            httpMethods: httpMethods,
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
                    "'\(service.configuration.name)' sets routes_from_idl, but \(schema.rootFile) has no api.get/post/put/delete/patch/options/head/any annotations"
                ))
            }
        }
    }

    /// The routes one annotation makes, one per HTTP method: bound alike, except that each method takes its
    /// unannotated fields from the query or the body as it does alone.
    private mutating func addGeneratedRoute(
        annotation: String,
        httpMethods: [String],
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
        // Hertz paths have `:name`, `{name}` and `*name` variables; google.api.http's `{name=a/*}` patterns
        // would need api.path to rename segments they span, which the specification does not describe.
        if let capture = template.patternVariables.first {
            report(origin.diagnostic(
                "path variable '\(capture.variable.name)' of \(call)'s api annotation is a google.api.http pattern; api.* paths take :name, {name} or {name=**}"))
            return
        }
        var route = RouteConfiguration(
            method: "", template: template, service: service, call: call, httpAnnotations: true, origin: origin
        )
        func routes(_ route: RouteConfiguration) -> [RouteConfiguration] {
            httpMethods.map { method in
                var route = route
                route.method = method
                return route
            }
        }
        let arguments = schema[method.arguments]
        guard let first = arguments.fields.first else {
            if let variable = template.variables.first {
                report(origin.diagnostic("path variable '\(variable.name)' of \(call) has nothing to bind to: the method takes no arguments"))
                return
            }
            addRoutes(routes(route), at: origin, from: "\(annotation) of \(call)")
            return
        }
        guard case .structure(let requestID) = first.type else {
            // A scalar first argument: variables bind to arguments by name, nothing else applies.
            for variable in template.variables where arguments.fieldIndex(named: variable.name) == nil {
                report(origin.diagnostic("path variable '\(variable.name)' of \(call) matches no argument"))
                return
            }
            addRoutes(routes(route), at: origin, from: "\(annotation) of \(call)")
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
        var bindings: [RouteConfiguration] = []
        for var route in routes(route) {
            // A field that cannot be bound cannot be for any method: reported once, for the first.
            guard bindFields(of: request, argument: first.name, call: call, bound: bound, method: method, into: &route, schema: schema) else {
                return
            }
            bindings.append(route)
        }
        addRoutes(bindings, at: origin, from: "\(annotation) of \(call)")
    }
}
