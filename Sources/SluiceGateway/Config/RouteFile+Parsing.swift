internal import Foundation
internal import NIOCore
internal import SluiceThrift
internal import Yams
internal import SluiceClient

extension RouteFile {
    static let serviceKeys = [
        "name", "idl", "protocol", "transport", "codec", "endpoints", "timeout", "connect_timeout", "connections",
        "pool", "routes_from_idl", "tls", "h2c", "h2", deadlineHeaderKey, "plugins",
    ] + grpcOnlyServiceKeys + resilienceServiceKeys
    static let poolKeys = ["max_idle", "max_total", "idle_timeout"]
    static let routeKeys = [
        "name", "method", "path", "service", "call", "body", "query", "headers", "cookies", "strict", "options", "exceptions",
        "rewrite", "max_body", "response_body", "plugins",
    ] + callPolicyRouteKeys
    /// Route `options:` for Thrift services.
    static let thriftOptionKeys = ["void_as_empty_object", "int64_as_string", "enums_as_names"]
    /// Route `options:` for gRPC services (protobuf's JSON mapping options).
    static let grpcOptionKeys = ["emit_defaults", "enums_as_ints", "preserve_proto_field_names", "strict"]
    static let optionKeys = thriftOptionKeys + grpcOptionKeys
    static let httpMethods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]

    /// Parses `text` (the contents of `path`); every problem found is appended to `diagnostics`.
    static func parse(text: String, path: String, diagnostics: inout [ConfigDiagnostic]) -> RouteFile {
        var file = RouteFile(path: path)
        var reader = YAMLReader(file: path)
        defer { diagnostics.append(contentsOf: reader.diagnostics) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            reader.error(at: yamlErrorOrigin(error, file: path), yamlErrorMessage(error))
            return file
        }
        guard let root else { return file }  // an empty file declares nothing
        if root.mapping?.contains(where: { $0.key.scalar?.string == "keys" }) == true {
            // A key_auth keys file beside the route files: the loader checks that some plugin reads it.
            file.isKeysFile = true
            return file
        }
        guard let top = reader.fields(of: root, what: "a route file", allowed: ["services", "routes"] + flowSectionKeys) else {
            return file
        }
        let directory = (path as NSString).deletingLastPathComponent
        if let services = top["services"], let list = reader.sequence(services.value, what: "'services'") {
            for node in list {
                if let service = parseService(node, directory: directory, reader: &reader) { file.services.append(service) }
            }
        }
        if let routes = top["routes"], let list = reader.sequence(routes.value, what: "'routes'") {
            for node in list {
                if let route = parseRoute(node, directory: directory, reader: &reader) { file.routes.append(route) }
            }
        }
        file.flowRules = parseFlowSections(top, directory: directory, reader: &reader)
        return file
    }

    private static func parseService(_ node: Node, directory: String, reader: inout YAMLReader) -> ServiceDraft? {
        var plugins = PluginLayer()
        if let field = node.mapping?.first(where: { $0.key.scalar?.string == "plugins" }) {
            // A bad section is reported; the service is still read, so its routes are not "unknown service" too.
            plugins = PluginLayer.parse(field.value, directory: directory, reader: &reader) ?? PluginLayer()
        }
        var draft = parseServiceKind(node, directory: directory, reader: &reader)
        draft?.plugins = plugins
        return draft
    }

    private static func parseServiceKind(_ node: Node, directory: String, reader: inout YAMLReader) -> ServiceDraft? {
        guard let fields = reader.fields(of: node, what: "a service", allowed: serviceKeys, suggesting: true) else { return nil }
        var valid = true
        func required(_ key: String) -> (key: Node, value: Node)? {
            if let field = fields[key] { return field }
            reader.error(at: node, "a service needs '\(key)'")
            valid = false
            return nil
        }
        let nameField = required("name")
        let name = nameField.flatMap { reader.string($0.value, what: "'name'") }
        let protocolText = fields["protocol"].flatMap { reader.string($0.value, what: "'protocol'") }
        if protocolText == "http" {
            return parseHTTPService(
                node, fields: fields, name: name, nameField: nameField, directory: directory, reader: &reader)
        }
        if protocolText == "grpc" {
            return parseGRPCService(
                node, fields: fields, name: name, nameField: nameField, directory: directory, reader: &reader)
        }
        let idl = required("idl").flatMap { reader.string($0.value, what: "'idl'") }
        if let protocolField = fields["protocol"], let text = protocolText, text != "thrift" {
            reader.error(at: protocolField.value, "unsupported protocol '\(text)' (expected: thrift, grpc, http)")
            valid = false
        }
        valid = refuseHTTPOnlyKeys(fields, reader: &reader) && valid
        valid = refuseDeadlineHeader(fields, kind: .thrift, reader: &reader) && valid
        valid = refuseGRPCOnlyKeys(fields, protocol: "Thrift", reader: &reader) && valid
        var transport = ThriftTransportKind.ttheader
        if let field = fields["transport"], let text = reader.string(field.value, what: "'transport'") {
            if let kind = ThriftTransportKind(rawValue: text) {
                transport = kind
            } else {
                reader.error(at: field.value, "unknown transport '\(text)' (expected one of: ttheader, theader, framed, buffered)")
                valid = false
            }
        }
        var protocolKind = ThriftProtocolKind.binary
        if let field = fields["codec"], let text = reader.string(field.value, what: "'codec'") {
            if let kind = ThriftProtocolKind(rawValue: text) {
                protocolKind = kind
            } else {
                reader.error(at: field.value, "unknown codec '\(text)' (expected one of: binary, compact)")
                valid = false
            }
        }
        let endpoints = parseEndpointsOrDiscovery(node, fields: fields, reader: &reader, valid: &valid)
        var configuration = ServiceConfiguration(
            name: name ?? "",
            idlPath: "",
            transport: transport,
            protocolKind: protocolKind,
            endpoints: endpoints.map(\.endpoint),
            origin: reader.origin(of: node)
        )
        parseClientSettings(fields, into: &configuration, reader: &reader, valid: &valid)
        parseCluster(fields, endpoints: endpoints, into: &configuration, reader: &reader, valid: &valid)
        if let field = fields["health_check"], configuration.cluster.healthCheck?.httpPath != nil {
            reader.error(at: field.value, "health_check.path is for HTTP services; a Thrift service's probe calls health_check.thrift_method (or connects)")
            valid = false
        }
        if let field = fields["connections"] {
            if let value = reader.int(field.value, what: "'connections'", range: 1...1024) {
                configuration.connectionsPerEndpoint = value
            } else {
                valid = false
            }
        }
        if let field = fields["routes_from_idl"] {
            if let value = reader.bool(field.value, what: "'routes_from_idl'") {
                configuration.routesFromIDL = value
            } else {
                valid = false
            }
        }
        var notes: [ConfigDiagnostic] = []
        if let field = fields["tls"] {
            configuration.tls = parseTLS(field.value, service: name, directory: directory, reader: &reader, notes: &notes)
            valid = configuration.tls != nil && valid
        }
        guard valid, let name, let nameField, let idl, let idlField = fields["idl"] else { return nil }
        if name.isEmpty {
            reader.error(at: nameField.value, "a service name must not be empty")
            return nil
        }
        configuration.name = name
        configuration.idlPath = resolve(idl, against: directory)
        return ServiceDraft(configuration: configuration, idlOrigin: reader.origin(of: idlField.value), notes: notes)
    }

    /// A Thrift or gRPC service's `endpoints`, or none when it has `discovery` instead; exactly one of them.
    static func parseEndpointsOrDiscovery(
        _ node: Node, fields: [String: (key: Node, value: Node)], reader: inout YAMLReader, valid: inout Bool
    ) -> [WeightedEndpoint] {
        switch (fields["endpoints"], fields["discovery"]) {
        case (let field?, nil):
            return parseWeightedEndpoints(field, reader: &reader, valid: &valid)
        case (nil, .some):
            return []
        case (.some, let discovery?):
            reader.error(at: discovery.key, "'endpoints' and 'discovery' exclude each other: list the endpoints or discover them")
        case (nil, nil):
            reader.error(at: node, "a service needs 'endpoints' (or 'discovery')")
        }
        valid = false
        return []
    }

    /// `timeout`, `connect_timeout` and `pool`, which Thrift and HTTP services share.
    static func parseClientSettings(
        _ fields: [String: (key: Node, value: Node)],
        into configuration: inout ServiceConfiguration,
        reader: inout YAMLReader,
        valid: inout Bool
    ) {
        if let value = duration(fields["timeout"], what: "'timeout'", reader: &reader, valid: &valid) {
            configuration.requestTimeout = value
        }
        if let value = duration(fields["connect_timeout"], what: "'connect_timeout'", reader: &reader, valid: &valid) {
            configuration.connectTimeout = value
        }
        if let field = fields["pool"] {
            if let pool = reader.fields(of: field.value, what: "'pool'", allowed: poolKeys) {
                if let item = pool["max_idle"] {
                    if let value = reader.int(item.value, what: "'max_idle'", range: 0...65536) {
                        configuration.pool.maxIdle = value
                    } else { valid = false }
                }
                if let item = pool["max_total"] {
                    if let value = reader.int(item.value, what: "'max_total'", range: 1...65536) {
                        configuration.pool.maxTotal = value
                    } else { valid = false }
                }
                if let value = duration(pool["idle_timeout"], what: "'idle_timeout'", reader: &reader, valid: &valid) {
                    configuration.pool.idleTimeout = value
                }
            } else {
                valid = false
            }
        }
    }

    private static func duration(
        _ field: (key: Node, value: Node)?,
        what: String,
        reader: inout YAMLReader,
        valid: inout Bool
    ) -> TimeAmount? {
        guard let field else { return nil }
        guard let value = reader.duration(field.value, what: what) else {
            valid = false
            return nil
        }
        return value
    }
}
