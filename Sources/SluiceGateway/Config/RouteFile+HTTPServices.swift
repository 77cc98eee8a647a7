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
        directory: String,
        reader: inout YAMLReader
    ) -> ServiceDraft? {
        var valid = nameField != nil
        if nameField == nil { reader.error(at: node, "a service needs 'name'") }
        valid = refuseKeys(thriftOnlyServiceKeys, in: fields, reader: &reader) {
            "'\($0)' is for Thrift services; a 'protocol: http' service is proxied as it is"
        } && valid
        valid = refuseGRPCOnlyKeys(fields, protocol: "'protocol: http'", reader: &reader) && valid
        var endpoints: [WeightedEndpoint] = []
        var secure: Bool?
        if let discovery = fields["discovery"] {
            if fields["endpoints"] != nil {
                reader.error(at: discovery.key, "'endpoints' and 'discovery' exclude each other: list the endpoints or discover them")
                valid = false
            }
            // Discovered endpoints are addresses: the scheme is the service's, https with `tls:`.
            secure = fields["tls"] != nil
        } else if let field = fields["endpoints"] {
            if let list = reader.sequence(field.value, what: "'endpoints'") {
                if list.isEmpty {
                    reader.error(at: field.value, "'endpoints' must list at least one http://host:port")
                    valid = false
                }
                for item in list {
                    // A URL, or {address: URL, weight: N}; either way all of one scheme.
                    func url(_ text: String) -> Result<Endpoint, EndpointProblem> {
                        parseHTTPEndpoint(text).flatMap { parsed in
                            if let secure, secure != parsed.secure {
                                return .failure(EndpointProblem(
                                    message: "endpoint '\(text)': a service's endpoints are all http:// or all https:// (the first is \(secure ? "https" : "http")://)"
                                ))
                            }
                            secure = secure ?? parsed.secure
                            return .success(parsed.endpoint)
                        }
                    }
                    if item.mapping != nil {
                        guard let entry = parseWeightedEndpoint(item, reader: &reader, address: url) else {
                            valid = false
                            continue
                        }
                        endpoints.append(entry)
                        continue
                    }
                    guard let text = reader.string(item, what: "an endpoint") else {
                        valid = false
                        continue
                    }
                    switch url(text) {
                    case .success(let endpoint):
                        endpoints.append(WeightedEndpoint(endpoint))
                    case .failure(let problem):
                        reader.error(at: item, problem.message)
                        valid = false
                    }
                }
                if !endpoints.isEmpty, endpoints.allSatisfy({ $0.weight == 0 }) {
                    reader.error(at: field.value, "'endpoints': every weight is 0, so no endpoint could be chosen")
                    valid = false
                }
            } else {
                valid = false
            }
        } else {
            reader.error(at: node, "a service needs 'endpoints' (or 'discovery')")
            valid = false
        }
        var configuration = ServiceConfiguration(
            name: name ?? "", idlPath: "", endpoints: endpoints.map(\.endpoint), origin: reader.origin(of: node))
        configuration.kind = .http
        parseClientSettings(fields, into: &configuration, reader: &reader, valid: &valid)
        parseCluster(fields, endpoints: endpoints, into: &configuration, reader: &reader, valid: &valid)
        if case .pathParam? = configuration.hashKey, let field = fields["hash_key"] {
            reader.error(at: field.value, "hash_key: path_param is for Thrift and gRPC routes, which bind path variables to fields; hash an http service's requests on a header, query, cookie or client_ip")
            valid = false
        }
        if let field = fields["health_check"], configuration.cluster.healthCheck?.thriftMethod != nil {
            reader.error(at: field.value, "health_check.thrift_method is for Thrift services; an HTTP service's probe GETs health_check.path (or connects)")
            valid = false
        }
        configuration.deadlineHeader = parseDeadlineHeader(fields, reader: &reader, valid: &valid)
        var notes: [ConfigDiagnostic] = []
        if let field = fields["tls"] {
            if secure == false {
                reader.error(at: field.key, "'tls' applies to https:// endpoints; this service's endpoints are http://")
                valid = false
            }
            configuration.tls = parseTLS(field.value, service: name, directory: directory, reader: &reader, notes: &notes)
            valid = configuration.tls != nil && valid
        } else if secure == true {
            // https:// alone is TLS verified against the system's trust roots, as a browser would.
            configuration.tls = ThriftClientTLS()
        }
        if let version = parseUpstreamHTTPVersion(fields, secure: secure, reader: &reader) {
            configuration.upstreamHTTP = version
        } else {
            valid = false
        }
        guard valid, let name, let nameField else { return nil }
        if name.isEmpty {
            reader.error(at: nameField.value, "a service name must not be empty")
            return nil
        }
        return ServiceDraft(configuration: configuration, idlOrigin: reader.origin(of: node), notes: notes)
    }

    /// `h2c: true` (HTTP/2 with prior knowledge; http:// endpoints) or `h2: true` (HTTP/2 by ALPN; https://
    /// endpoints), at most one of them; nil after an error. `secure` is whether the endpoints are https (nil when
    /// none parsed).
    static func parseUpstreamHTTPVersion(
        _ fields: [String: (key: Node, value: Node)], secure: Bool?, reader: inout YAMLReader
    ) -> ServiceConfiguration.UpstreamHTTPVersion? {
        var chosen: (key: String, field: Node)?
        var valid = true
        for (key, needsTLS) in [("h2c", false), ("h2", true)] {
            guard let field = fields[key] else { continue }
            guard let on = reader.bool(field.value, what: "'\(key)'") else {
                valid = false
                continue
            }
            guard on else { continue }
            if let chosen {
                reader.error(at: field.key, "'\(key)' and '\(chosen.key)' exclude each other: h2c is HTTP/2 over cleartext, h2 over TLS")
                valid = false
                continue
            }
            chosen = (key, field.key)
            if let secure, secure != needsTLS {
                reader.error(
                    at: field.key,
                    needsTLS
                        ? "'h2' is HTTP/2 over TLS and needs https:// endpoints (use 'h2c' for http:// ones)"
                        : "'h2c' is HTTP/2 over cleartext and needs http:// endpoints (use 'h2' for https:// ones)")
                valid = false
            }
        }
        guard valid else { return nil }
        switch chosen?.key {
        case "h2c": return .h2c
        case "h2": return .h2
        default: return .http1
        }
    }

    /// `h2c` and `h2` choose how an http service is spoken to; a Thrift service has its own transports.
    /// Returns whether none was given.
    static func refuseHTTPOnlyKeys(_ fields: [String: (key: Node, value: Node)], reader: inout YAMLReader) -> Bool {
        refuseKeys(["h2c", "h2"], in: fields, reader: &reader) {
            "'\($0)' is for 'protocol: http' services (HTTP/2 to the upstream); a Thrift service uses 'transport'"
        }
    }

    struct EndpointProblem: Error {
        var message: String
    }

    /// `http://host:port` or `https://host:port` (port 80 or 443 when left out; a trailing `/` is allowed, any
    /// other path is not). `secure` is whether it is https.
    static func parseHTTPEndpoint(_ text: String) -> Result<(endpoint: Endpoint, secure: Bool), EndpointProblem> {
        for scheme in ["h2c://", "h2://"] where text.hasPrefix(scheme) {
            let key = scheme.dropLast(3)
            return .failure(EndpointProblem(
                message: "endpoint '\(text)': write \(key == "h2c" ? "http" : "https")://host:port and '\(key): true' for HTTP/2 upstreams"
            ))
        }
        let secure = text.hasPrefix("https://")
        guard secure || text.hasPrefix("http://") else {
            return .failure(EndpointProblem(
                message: "bad endpoint '\(text)' for an http service (expected http://host:port or https://host:port)"))
        }
        var authority = text.dropFirst(secure ? "https://".count : "http://".count)
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        guard !authority.contains("/"), !authority.contains("?"), !authority.contains("@") else {
            return .failure(EndpointProblem(
                message: "bad endpoint '\(text)': an http endpoint is scheme://host:port, without a path, query or user (use a route's 'rewrite' for paths)"
            ))
        }
        if let endpoint = Endpoint(parsing: String(authority)) { return .success((endpoint, secure)) }
        let bracketedWithoutPort = authority.hasPrefix("[") && authority.hasSuffix("]")
        if bracketedWithoutPort || !authority.contains(":"), let endpoint = Endpoint(parsing: authority + (secure ? ":443" : ":80")) {
            return .success((endpoint, secure))
        }
        return .failure(EndpointProblem(message: "bad endpoint '\(text)' (expected scheme://host:port with a port in 1...65535)"))
    }
}
