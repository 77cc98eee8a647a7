internal import SluiceThrift
internal import SluiceProtobuf

/// Cross-file checks: unique services, IDLs that load, routes that name real calls and real fields,
/// no two routes for the same method and path shape.
struct RouteValidation {
    let includeDirectories: [String]
    let schemaLoader: SchemaLoader
    private(set) var diagnostics: [ConfigDiagnostic] = []
    /// Accepted but not acted on; see ``GatewayConfiguration/notes``.
    private(set) var notes: [ConfigDiagnostic] = []
    private(set) var services: [RouteFile.ServiceDraft] = []
    private(set) var schemas: [String: ThriftSchema] = [:]
    var protobufIDLs: [String: ProtobufIDL] = [:]
    private(set) var routes: [RouteConfiguration] = []
    /// Every file's flow-control rules and the Sentinel files they name (``addFlowRules(of:)``).
    var flowRules = FlowRulesConfiguration()
    /// Route shape (`METHOD path-shape`) -> where it was first defined.
    private var routeShapes: [String: ConfigOrigin] = [:]
    /// Route `name:`s taken, and where.
    private var routeNames: [String: ConfigOrigin] = [:]
    /// IDL path -> loaded schema (or `nil` when it failed and was reported), so a shared IDL loads once.
    private var schemasByPath: [String: ThriftSchema?] = [:]

    init(includeDirectories: [String], schemaLoader: SchemaLoader) {
        self.includeDirectories = includeDirectories
        self.schemaLoader = schemaLoader
    }

    var configuration: GatewayConfiguration {
        var configuration = GatewayConfiguration(services: services.map(\.configuration), routes: routes, schemas: schemas, notes: notes)
        configuration.protobufIDLs = protobufIDLs
        configuration.flowRules = flowRules
        for service in services where !service.plugins.isEmpty { configuration.servicePlugins[service.configuration.name] = service.plugins }
        return configuration
    }

    mutating func addServices(of file: RouteFile) {
        for service in file.services {
            let name = service.configuration.name
            if let existing = services.first(where: { $0.configuration.name == name }) {
                diagnostics.append(
                    service.configuration.origin.diagnostic("duplicate service '\(name)': already defined at \(existing.configuration.origin)")
                )
                continue
            }
            if service.configuration.kind == .http, case .envelope(let envelope) = service.plugins.entries[.envelope] {
                diagnostics.append((envelope.origin ?? service.configuration.origin).diagnostic(
                    "'envelope' does not apply to http service '\(name)': its answers are relayed as they are"))
            }
            services.append(service)
            for note in service.notes { self.note(note) }
            switch service.configuration.kind {
            case .thrift: if let schema = loadSchema(service) { schemas[name] = schema }
            case .grpc: if let idl = loadProtobufIDL(service) { protobufIDLs[name] = idl }
            case .http: break
            }
        }
    }

    /// Reports an unreadable file at the route file's `idl:`, anything else where it is.
    mutating func reportIDLErrors(_ error: ConfigErrors, path: String, service: RouteFile.ServiceDraft) {
        for diagnostic in error.diagnostics {
            if diagnostic.line == 0, diagnostic.file == path {
                diagnostics.append(service.idlOrigin.diagnostic("cannot load IDL '\(path)': \(diagnostic.message)"))
            } else {
                diagnostics.append(diagnostic)
            }
        }
    }

    private mutating func loadSchema(_ service: RouteFile.ServiceDraft) -> ThriftSchema? {
        let path = service.configuration.idlPath
        if let cached = schemasByPath[path] { return cached }
        do {
            let schema = try schemaLoader.load(path, includeDirectories)
            schemasByPath[path] = schema
            // What the IDL's compiler accepts but is probably a mistake is noted where `check` and `run` show it.
            for warning in schema.warnings {
                let location = warning.location
                note(ConfigDiagnostic(file: location.file, line: location.line, column: location.column, message: "warning: \(warning.message)"))
            }
            return schema
        } catch {
            // A file that is not there is the route file's mistake; anything else is the IDL's, at its position.
            reportIDLErrors(error, path: path, service: service)
            schemasByPath[path] = .some(nil)
            return nil
        }
    }

    mutating func addRoutes(of file: RouteFile) {
        for draft in file.routes {
            guard let service = services.first(where: { $0.configuration.name == draft.configuration.service }) else {
                let known = services.map(\.configuration.name).joined(separator: ", ")
                diagnostics.append(
                    draft.serviceOrigin.diagnostic("unknown service '\(draft.configuration.service)' (services: \(known.isEmpty ? "none" : known))")
                )
                continue
            }
            guard checkKeys(of: draft, service: service.configuration) else { continue }
            if let name = draft.configuration.name, let origin = draft.keyOrigins["name"] {
                if let existing = routeNames[name] {
                    diagnostics.append(origin.diagnostic("route name '\(name)' is already used at \(existing)"))
                    continue
                }
                routeNames[name] = origin
            }
            if service.configuration.kind == .http {
                addRoute(draft.configuration, at: draft.pathOrigin)
                continue
            }
            if service.configuration.kind == .grpc {
                if let idl = protobufIDLs[draft.configuration.service], let route = checkGRPC(draft, idl: idl) {
                    addRoute(route, at: draft.pathOrigin)
                }
                continue
            }
            // The IDL failed to load and has been reported; its routes cannot be checked further.
            guard let schema = schemas[draft.configuration.service] else { continue }
            if check(draft, schema: schema) { addRoute(draft.configuration, at: draft.pathOrigin) }
        }
    }

    /// Adds `route` unless another route already has its method and path shape.
    mutating func addRoute(_ route: RouteConfiguration, at origin: ConfigOrigin) {
        let key = "\(route.method) \(route.template.shape)"
        if let existing = routeShapes[key] {
            diagnostics.append(origin.diagnostic("duplicate route \(route.method) \(route.template.text): already defined at \(existing)"))
            return
        }
        routeShapes[key] = origin
        routes.append(route)
    }

    /// Adds the routes one `api.*` annotation makes, all or none: a clash with routes already there is one
    /// diagnostic naming each method taken and where, rather than one per method of an `api.any`.
    mutating func addRoutes(_ group: [RouteConfiguration], at origin: ConfigOrigin, from annotation: String) {
        guard group.count > 1 else {
            for route in group { addRoute(route, at: origin) }
            return
        }
        let clashes = group.compactMap { route in
            routeShapes["\(route.method) \(route.template.shape)"].map { "\(route.method) at \($0)" }
        }
        guard clashes.isEmpty else {
            let methods = group.map(\.method).joined(separator: ", ")
            diagnostics.append(origin.diagnostic(
                "duplicate route \(group[0].template.text): \(annotation) routes it for \(methods), but it is already routed for \(clashes.joined(separator: ", "))"
            ))
            return
        }
        for route in group { addRoute(route, at: origin) }
    }

    /// Reports every problem of one hand-written route; `true` when there is none.
    private mutating func check(_ draft: RouteFile.RouteDraft, schema: ThriftSchema) -> Bool {
        let route = draft.configuration
        guard let callOrigin = draft.callOrigin, let (_, method) = lookUpCall(route.call, in: schema, at: callOrigin) else { return false }
        var valid = true
        for variable in route.template.variables {
            valid = checkBound(variable.fieldPath, what: "path variable '\(variable.name)'", at: draft.pathOrigin, method: method, schema: schema) && valid
        }
        // A pattern variable's value holds slashes, which only text keeps as they came.
        for capture in route.template.patternVariables where capture.segments.count > 1 {
            let variable = capture.variable
            if case .success(let type) = FieldPathResolution.resolve(variable.fieldPath, arguments: method.arguments, schema: schema),
                type != .string, type != .binary
            {
                diagnostics.append(draft.pathOrigin.diagnostic(
                    "path variable '\(variable.name)' spans segments, so it must bind a string, not \(FieldPathResolution.describe(type, schema))"))
                valid = false
            }
        }
        for (kind, parameters) in [("query parameter", route.query), ("header", route.headers), ("cookie", route.cookies)] {
            // Two names filling one field leave its value to whichever the request happens to carry.
            var bound: [[String]: String] = [:]
            for parameter in parameters {
                valid = checkBound(parameter.fieldPath, what: "\(kind) '\(parameter.name)'", at: parameter.origin, method: method, schema: schema) && valid
                if let other = bound.updateValue(parameter.name, forKey: parameter.fieldPath) {
                    diagnostics.append(parameter.origin.diagnostic(
                        "\(kind)s '\(other)' and '\(parameter.name)' both bind '\(parameter.fieldPath.joined(separator: "."))'; bind a field from one \(kind) only"
                    ))
                    valid = false
                }
            }
        }
        for claim in route.claimFields {
            valid = checkBound(claim.fieldPath, what: "claim '\(claim.claim)'", at: claim.origin, method: method, schema: schema) && valid
        }
        if case .field(let path) = route.body, let origin = draft.bodyOrigin {
            if case .failure(let problem) = FieldPathResolution.resolve(path, arguments: method.arguments, schema: schema) {
                diagnostics.append(origin.diagnostic("body '\(path.joined(separator: "."))' is not an argument of \(route.call): \(problem.message)"))
                valid = false
            }
        }
        let declared = declaredExceptions(method, schema: schema)
        for (name, origin) in draft.exceptionOrigins where !declared.contains(name) {
            let list = declared.isEmpty ? "it declares none" : "declared: \(declared.joined(separator: ", "))"
            diagnostics.append(origin.diagnostic("\(route.call) does not throw '\(name)' (\(list))"))
            valid = false
        }
        return valid
    }

    mutating func lookUpCall(_ call: String, in schema: ThriftSchema, at origin: ConfigOrigin) -> (ServiceDescriptor, MethodDescriptor)? {
        if let found = schema.method(call) { return found }
        let serviceName = call.lastIndex(of: ".").map { String(call[..<$0]) } ?? call
        if let service = schema.services[serviceName] {
            let methods = service.methods.map(\.name).joined(separator: ", ")
            diagnostics.append(origin.diagnostic("unknown call '\(call)': service \(serviceName) has no such method (methods: \(methods))"))
        } else {
            let known = schema.services.keys.sorted().joined(separator: ", ")
            diagnostics.append(origin.diagnostic("unknown call '\(call)': \(schema.rootFile) has no service '\(serviceName)' (services: \(known.isEmpty ? "none" : known))"))
        }
        return nil
    }

    private mutating func checkBound(_ path: [String], what: String, at origin: ConfigOrigin, method: MethodDescriptor, schema: ThriftSchema) -> Bool {
        switch FieldPathResolution.resolve(path, arguments: method.arguments, schema: schema) {
        case .failure(let problem):
            diagnostics.append(origin.diagnostic("\(what) binds '\(path.joined(separator: "."))', which is not in the arguments of \(method.name): \(problem.message)"))
            return false
        case .success(let type) where !FieldPathResolution.acceptsText(type):
            diagnostics.append(
                origin.diagnostic("\(what) binds '\(path.joined(separator: "."))', which is \(FieldPathResolution.describe(type, schema)); only scalars and lists of scalars can be bound from text")
            )
            return false
        case .success:
            return true
        }
    }

    /// Exception type names (qualified and short) and `throws` field names a route may give a status to.
    func declaredExceptions(_ method: MethodDescriptor, schema: ThriftSchema) -> [String] {
        var names: [String] = []
        for field in schema[method.result].fields where field.id != 0 {
            if case .structure(let id) = field.type {
                let typeName = schema[id].name
                names.append(typeName)
                if let dot = typeName.lastIndex(of: ".") { names.append(String(typeName[typeName.index(after: dot)...])) }
            }
            names.append(field.name)
        }
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }

    mutating func report(_ diagnostic: ConfigDiagnostic) { diagnostics.append(diagnostic) }

    /// Notes once, however many routes share the struct noted.
    mutating func note(_ diagnostic: ConfigDiagnostic) {
        if !notes.contains(diagnostic) { notes.append(diagnostic) }
    }
}
