internal import SluiceProtobuf
internal import SwiftProtobuf

/// Routes to `protocol: grpc` services: hand-written ones checked against the descriptors, and the routes
/// `routes_from_idl` (google.api.http) and `auto_routes` generate.
extension RouteValidation {
    mutating func loadProtobufIDL(_ service: RouteFile.ServiceDraft) -> ProtobufIDL? {
        do {
            return try schemaLoader.loadProtobuf(service.configuration)
        } catch {
            reportIDLErrors(error, path: service.configuration.idlPath, service: service)
            return nil
        }
    }

    /// The route with `call` spelled out in full (`pkg.Service.Method`), or nil after reporting every problem.
    mutating func checkGRPC(_ draft: RouteFile.RouteDraft, idl: ProtobufIDL) -> RouteConfiguration? {
        var route = draft.configuration
        guard let callOrigin = draft.callOrigin, let method = lookUpGRPCCall(route.call, in: idl.schema, at: callOrigin) else { return nil }
        route.call = method.fullName
        route.bindsAnyQuery = route.body != .arguments && !method.clientStreaming
        route.takesMessageStream = method.clientStreaming
        let problems = ProtobufRouteCheck(route: route, method: method, schema: idl.schema).problems()
        for problem in problems {
            let origin: ConfigOrigin
            switch problem.part {
            case .path: origin = draft.pathOrigin
            case .body: origin = draft.bodyOrigin ?? callOrigin
            case .responseBody: origin = draft.keyOrigins["response_body"] ?? route.origin
            case .parameter(let parameterOrigin): origin = parameterOrigin
            case .call: origin = callOrigin
            }
            report(origin.diagnostic(problem.message))
        }
        return problems.isEmpty ? route : nil
    }

    /// `pkg.Service.Method`, or `Service.Method` (any shorter suffix) when it ends one method's name only.
    mutating func lookUpGRPCCall(_ call: String, in schema: ProtobufSchema, at origin: ConfigOrigin) -> ProtobufMethod? {
        if let method = schema.method(named: call) { return method }
        let matches = schema.methods.values.filter { $0.fullName.hasSuffix("." + call) }
        if matches.count == 1, let method = matches.first { return method }
        if matches.count > 1 {
            let names = matches.map(\.fullName).sorted().joined(separator: ", ")
            report(origin.diagnostic("ambiguous call '\(call)': write the full name (one of: \(names))"))
            return nil
        }
        let services = Set(schema.methods.values.map { $0.fullName[..<($0.fullName.lastIndex(of: ".") ?? $0.fullName.endIndex)] })
        let known = services.sorted().joined(separator: ", ")
        report(origin.diagnostic("unknown call '\(call)': the descriptors have no such method (services: \(known.isEmpty ? "none" : known))"))
        return nil
    }

    /// Routes from `google.api.http` options (`routes_from_idl`) and `POST /pkg.Service/Method` (`auto_routes`).
    mutating func addGeneratedGRPCRoutes() {
        for service in services where service.configuration.kind == .grpc {
            guard let idl = protobufIDLs[service.configuration.name] else { continue }
            if service.configuration.routesFromIDL { addAnnotatedRoutes(service, idl: idl) }
            if service.configuration.grpc.autoRoutes { addAutoRoutes(service, idl: idl) }
        }
    }

    private mutating func addAnnotatedRoutes(_ service: RouteFile.ServiceDraft, idl: ProtobufIDL) {
        var generated = 0
        for (method, descriptor) in rootMethods(idl) {
            let rule: ProtobufHTTPRule?
            do throws(ProtobufTranscodeError) {
                rule = try ProtobufHTTPRule.of(descriptor)
            } catch {
                report(service.idlOrigin.diagnostic("\(method.fullName): unreadable google.api.http option: \(error.message)"))
                continue
            }
            guard let rule else { continue }
            generated += 1
            // http.proto: "additional_bindings ... must not contain an additional_bindings field themselves".
            if rule.additionalBindings.contains(where: { !$0.additionalBindings.isEmpty }) {
                report(service.idlOrigin.diagnostic("\(method.fullName)'s google.api.http: an additional binding has additional bindings of its own"))
                continue
            }
            for binding in [rule] + rule.additionalBindings {
                addAnnotatedRoute(binding, method: method, service: service, idl: idl)
            }
        }
        if generated == 0 {
            report(service.configuration.origin.diagnostic(
                "'\(service.configuration.name)' sets routes_from_idl, but its services' methods have no google.api.http options"
            ))
        }
    }

    private mutating func addAnnotatedRoute(
        _ rule: ProtobufHTTPRule, method: ProtobufMethod, service: RouteFile.ServiceDraft, idl: ProtobufIDL
    ) {
        let origin = service.idlOrigin
        let what = "\(method.fullName)'s google.api.http \(rule.method.lowercased()) '\(rule.path)'"
        let httpMethod = rule.method.uppercased()
        guard RouteFile.httpMethods.contains(httpMethod) else {
            report(origin.diagnostic("\(what): method '\(rule.method)' is not one Sluice routes (\(RouteFile.httpMethods.joined(separator: ", ")))"))
            return
        }
        let template: PathTemplate
        do {
            template = try PathTemplate.parse(rule.path)
        } catch {
            report(origin.diagnostic("\(what): bad path template: \(error)"))
            return
        }
        if httpMethod == "GET", !rule.body.isEmpty {
            report(origin.diagnostic("\(what): a GET takes no body (body: \"\(rule.body)\")"))
            return
        }
        let body: RouteConfiguration.Body
        switch rule.body {
        case "": body = .none
        case "*": body = .arguments
        default: body = .field(rule.body.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
        }
        var route = RouteConfiguration(
            method: httpMethod, template: template, service: service.configuration.name, call: method.fullName, body: body, origin: origin)
        route.bindsAnyQuery = body != .arguments && !method.clientStreaming
        route.takesMessageStream = method.clientStreaming
        if !rule.responseBody.isEmpty {
            route.responseBody = rule.responseBody.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        }
        let problems = ProtobufRouteCheck(route: route, method: method, schema: idl.schema).problems()
        guard problems.isEmpty else {
            for problem in problems { report(origin.diagnostic("\(what): \(problem.message)")) }
            return
        }
        addRoute(route, at: origin)
    }

    private mutating func addAutoRoutes(_ service: RouteFile.ServiceDraft, idl: ProtobufIDL) {
        for (method, _) in rootMethods(idl) {
            let path = "/" + GRPCMethodPath.of(method.fullName)
            guard let template = try? PathTemplate.parse(path) else {
                report(service.idlOrigin.diagnostic("auto_routes: '\(path)' is not a usable path"))
                continue
            }
            var route = RouteConfiguration(
                method: "POST", template: template, service: service.configuration.name, call: method.fullName, body: .arguments,
                origin: service.configuration.origin)
            route.takesMessageStream = method.clientStreaming
            addRoute(route, at: service.configuration.origin)
        }
    }

    /// The methods of the root files' services, in file and declaration order, with their descriptors.
    private func rootMethods(_ idl: ProtobufIDL) -> [(ProtobufMethod, Google_Protobuf_MethodDescriptorProto)] {
        var result: [(ProtobufMethod, Google_Protobuf_MethodDescriptorProto)] = []
        for file in idl.files where idl.rootFiles.contains(file.name) {
            let prefix = file.package.isEmpty ? "" : file.package + "."
            for service in file.service {
                for descriptor in service.method {
                    guard let method = idl.schema.method(named: prefix + service.name + "." + descriptor.name) else { continue }
                    result.append((method, descriptor))
                }
            }
        }
        return result
    }
}

/// gRPC's request path for a method's full name: `pkg.Service.Method` → `pkg.Service/Method`.
enum GRPCMethodPath {
    static func of(_ fullName: String) -> String {
        guard let dot = fullName.lastIndex(of: ".") else { return fullName }
        return fullName[..<dot] + "/" + fullName[fullName.index(after: dot)...]
    }
}
