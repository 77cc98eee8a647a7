internal import Yams
internal import SluiceClient

/// `protocol: http` services: upstreams that requests are proxied to as they are (see Proxy/).
extension RouteFile {
    /// Keys that describe Thrift calls; an HTTP service has no IDL to apply them to.
    static let thriftOnlyServiceKeys = ["idl", "transport", "codec", "connections", "routes_from_idl"]

    static func parseHTTPService(
        _ node: Node,
        fields: [String: (key: Node, value: Node)],
        name: String?,
        nameField: (key: Node, value: Node)?,
        reader: inout YAMLReader
    ) -> ServiceDraft? {
        var valid = nameField != nil
        if nameField == nil { reader.error(at: node, "a service needs 'name'") }
        for key in thriftOnlyServiceKeys {
            guard let field = fields[key] else { continue }
            reader.error(at: field.key, "'\(key)' is for Thrift services; a 'protocol: http' service is proxied as it is")
            valid = false
        }
        valid = refuseUpstreamHTTP2(fields, reader: &reader) && valid
        var endpoints: [Endpoint] = []
        if let field = fields["endpoints"] {
            if let list = reader.sequence(field.value, what: "'endpoints'") {
                if list.isEmpty {
                    reader.error(at: field.value, "'endpoints' must list at least one http://host:port")
                    valid = false
                }
                for item in list {
                    guard let text = reader.string(item, what: "an endpoint") else {
                        valid = false
                        continue
                    }
                    switch parseHTTPEndpoint(text) {
                    case .success(let endpoint): endpoints.append(endpoint)
                    case .failure(let problem):
                        reader.error(at: item, problem.message)
                        valid = false
                    }
                }
            } else {
                valid = false
            }
        } else {
            reader.error(at: node, "a service needs 'endpoints'")
            valid = false
        }
        var configuration = ServiceConfiguration(name: name ?? "", idlPath: "", endpoints: endpoints, origin: reader.origin(of: node))
        configuration.kind = .http
        parseClientSettings(fields, into: &configuration, reader: &reader, valid: &valid)
        guard valid, let name, let nameField else { return nil }
        if name.isEmpty {
            reader.error(at: nameField.value, "a service name must not be empty")
            return nil
        }
        return ServiceDraft(configuration: configuration, idlOrigin: reader.origin(of: node))
    }

    /// HTTP/2 to upstreams (`h2c: true`, `h2: true`) comes with TLS upstreams; until then it is refused
    /// rather than silently spoken as HTTP/1.1. Returns whether none was asked for.
    static func refuseUpstreamHTTP2(_ fields: [String: (key: Node, value: Node)], reader: inout YAMLReader) -> Bool {
        var valid = true
        for key in ["h2c", "h2"] {
            guard let field = fields[key] else { continue }
            reader.error(at: field.key, "'\(key)' (HTTP/2 to upstreams) is not supported yet; upstreams are spoken to over HTTP/1.1")
            valid = false
        }
        return valid
    }

    struct EndpointProblem: Error {
        var message: String
    }

    /// `http://host:port` (port 80 when left out; a trailing `/` is allowed, any other path is not).
    static func parseHTTPEndpoint(_ text: String) -> Result<Endpoint, EndpointProblem> {
        for scheme in ["https://", "h2c://", "h2://"] where text.hasPrefix(scheme) {
            return .failure(EndpointProblem(
                message: "endpoint '\(text)': \(scheme.dropLast(3)) upstreams are not supported yet (expected http://host:port)"
            ))
        }
        guard text.hasPrefix("http://") else {
            return .failure(EndpointProblem(message: "bad endpoint '\(text)' for an http service (expected http://host:port)"))
        }
        var authority = text.dropFirst("http://".count)
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        guard !authority.contains("/"), !authority.contains("?"), !authority.contains("@") else {
            return .failure(EndpointProblem(
                message: "bad endpoint '\(text)': an http endpoint is scheme://host:port, without a path, query or user (use a route's 'rewrite' for paths)"
            ))
        }
        if let endpoint = Endpoint(parsing: String(authority)) { return .success(endpoint) }
        let bracketedWithoutPort = authority.hasPrefix("[") && authority.hasSuffix("]")
        if bracketedWithoutPort || !authority.contains(":"), let endpoint = Endpoint(parsing: authority + ":80") {
            return .success(endpoint)
        }
        return .failure(EndpointProblem(message: "bad endpoint '\(text)' (expected http://host:port with a port in 1...65535)"))
    }
}
