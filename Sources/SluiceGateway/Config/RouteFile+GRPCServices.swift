internal import Yams
internal import SluiceClient

/// `protocol: grpc` services: unary gRPC calls made from JSON through `.proto` descriptors.
extension RouteFile {
    /// Keys only gRPC services take.
    static let grpcOnlyServiceKeys = ["import_paths", "auto_routes", "forward_headers", "response_metadata", "authority"]
    /// Keys that describe Thrift transports or HTTP upstreams; a gRPC service is HTTP/2 with `connections`.
    static let keysRefusedByGRPC = ["transport", "codec", "pool", "h2c", "h2"]
    /// `idl:` file endings read as `protoc --descriptor_set_out` output rather than `.proto` text.
    static let descriptorSetSuffixes = [".pb", ".desc", ".binpb", ".protoset"]

    static func parseGRPCService(
        _ node: Node,
        fields: [String: (key: Node, value: Node)],
        name: String?,
        nameField: (key: Node, value: Node)?,
        directory: String,
        reader: inout YAMLReader
    ) -> ServiceDraft? {
        var valid = nameField != nil
        if nameField == nil { reader.error(at: node, "a service needs 'name'") }
        valid = refuseKeys(keysRefusedByGRPC, in: fields, reader: &reader) {
            "'\($0)' does not apply to a 'protocol: grpc' service: it is HTTP/2, with 'connections' per endpoint"
        } && valid
        valid = refuseDeadlineHeader(fields, kind: .grpc, reader: &reader) && valid
        let idlField = fields["idl"]
        if idlField == nil {
            reader.error(at: node, "a service needs 'idl' (a .proto file, a descriptor set, or 'reflection')")
            valid = false
        }
        let idl = idlField.flatMap { reader.string($0.value, what: "'idl'") }
        if idlField != nil, idl == nil { valid = false }
        let endpoints = parseEndpointsOrDiscovery(node, fields: fields, reader: &reader, valid: &valid)
        if idl == "reflection", let discovery = fields["discovery"] {
            // The schema is fetched once, before any discovery has run.
            reader.error(at: discovery.key, "'idl: reflection' asks the service's 'endpoints' for its schema at load; list them rather than 'discovery'")
            valid = false
        }
        var configuration = ServiceConfiguration(
            name: name ?? "", idlPath: "", endpoints: endpoints.map(\.endpoint), origin: reader.origin(of: node))
        configuration.kind = .grpc
        parseClientSettings(fields, into: &configuration, reader: &reader, valid: &valid)
        parseCluster(fields, endpoints: endpoints, into: &configuration, reader: &reader, valid: &valid)
        if let field = fields["health_check"], configuration.cluster.healthCheck?.thriftMethod != nil
            || configuration.cluster.healthCheck?.httpPath != nil
        {
            reader.error(at: field.value, "health_check.thrift_method and .path are for Thrift and HTTP services; a gRPC service's endpoints are asked grpc.health.v1.Health/Check")
            valid = false
        }
        if let field = fields["connections"] {
            if let value = reader.int(field.value, what: "'connections'", range: 1...1024) {
                configuration.connectionsPerEndpoint = value
            } else {
                valid = false
            }
        }
        for (key, keyPath) in [("routes_from_idl", \ServiceConfiguration.routesFromIDL), ("auto_routes", \.grpc.autoRoutes)] {
            guard let field = fields[key] else { continue }
            if let value = reader.bool(field.value, what: "'\(key)'") { configuration[keyPath: keyPath] = value } else { valid = false }
        }
        if let list = stringList(fields["import_paths"], what: "'import_paths'", reader: &reader, valid: &valid) {
            configuration.grpc.importPaths = list.map { resolve($0, against: directory) }
        }
        if let list = headerNames(fields["forward_headers"], what: "'forward_headers'", reader: &reader, valid: &valid) {
            configuration.grpc.forwardHeaders = list
        }
        if let list = headerNames(fields["response_metadata"], what: "'response_metadata'", reader: &reader, valid: &valid) {
            configuration.grpc.responseMetadata = list
        }
        if let field = fields["authority"] {
            switch reader.string(field.value, what: "'authority'") {
            case let text? where !text.isEmpty:
                configuration.grpc.authority = text
            case .some:
                reader.error(at: field.value, "'authority' must not be empty")
                valid = false
            case nil:
                valid = false
            }
        }
        var notes: [ConfigDiagnostic] = []
        if let field = fields["tls"] {
            configuration.tls = parseTLS(field.value, service: name, directory: directory, reader: &reader, notes: &notes)
            valid = configuration.tls != nil && valid
        }
        guard valid, let name, let nameField, let idl, let idlField else { return nil }
        if name.isEmpty {
            reader.error(at: nameField.value, "a service name must not be empty")
            return nil
        }
        configuration.name = name
        if idl == "reflection" {
            configuration.grpc.idlSource = .reflection
            configuration.idlPath = idl
        } else {
            configuration.idlPath = resolve(idl, against: directory)
            configuration.grpc.idlSource = descriptorSetSuffixes.contains { idl.hasSuffix($0) } ? .descriptorSet : .proto
        }
        return ServiceDraft(configuration: configuration, idlOrigin: reader.origin(of: idlField.value), notes: notes)
    }

    /// Refuses the gRPC-only keys on a service of another protocol; `true` when there were none.
    static func refuseGRPCOnlyKeys(_ fields: [String: (key: Node, value: Node)], protocol: String, reader: inout YAMLReader) -> Bool {
        refuseKeys(grpcOnlyServiceKeys, in: fields, reader: &reader) { "'\($0)' is for 'protocol: grpc' services, not \(`protocol`) ones" }
    }

    /// Reports each of `keys` present in `fields`, at its key, with `message(key)`; `true` when none was.
    static func refuseKeys(
        _ keys: [String], in fields: [String: (key: Node, value: Node)], reader: inout YAMLReader, message: (String) -> String
    ) -> Bool {
        var valid = true
        for key in keys {
            guard let field = fields[key] else { continue }
            reader.error(at: field.key, message(key))
            valid = false
        }
        return valid
    }

    /// A list of non-empty strings; nil when absent or wrong (then `valid` is false).
    private static func stringList(
        _ field: (key: Node, value: Node)?, what: String, reader: inout YAMLReader, valid: inout Bool
    ) -> [String]? {
        guard let field else { return nil }
        guard let items = reader.sequence(field.value, what: what) else {
            valid = false
            return nil
        }
        var list: [String] = []
        for item in items {
            guard let text = reader.string(item, what: "an entry of \(what)") else {
                valid = false
                continue
            }
            guard !text.isEmpty else {
                reader.error(at: item, "an entry of \(what) must not be empty")
                valid = false
                continue
            }
            list.append(text)
        }
        return list
    }

    /// Header (metadata) names, lower-cased; pseudo-headers and the names gRPC itself sets are refused.
    private static func headerNames(
        _ field: (key: Node, value: Node)?, what: String, reader: inout YAMLReader, valid: inout Bool
    ) -> [String]? {
        guard let list = stringList(field, what: what, reader: &reader, valid: &valid), let field else { return nil }
        var names: [String] = []
        for name in list.map({ $0.lowercased() }) {
            let reserved = name.hasPrefix(":") || name.hasPrefix("grpc-") || ["content-type", "te", "host", "connection"].contains(name)
            if reserved || !name.utf8.allSatisfy(GRPCMetadataName.isTokenByte) {
                reader.error(at: field.value, "\(what): '\(name)' is not a header gRPC lets through (a token, not a pseudo-header, content-type, te or grpc-*)")
                valid = false
                continue
            }
            names.append(name)
        }
        return names
    }
}

/// Metadata names are HTTP/2 header names: lower-case tokens.
enum GRPCMetadataName {
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            true
        default:
            false
        }
    }
}
