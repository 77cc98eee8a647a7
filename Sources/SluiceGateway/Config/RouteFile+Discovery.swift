internal import NIOCore
internal import Yams
internal import SluiceClient

/// Where a service's endpoints come from: `endpoints:` (each `"host:port"` or `{address, weight}`) or
/// `discovery:` (DNS or Kitex's etcd registry), exactly one of them.
extension RouteFile {
    static let weightedEndpointKeys = ["address", "weight"]
    static let discoveryKeys = ["dns", "interval", "etcd"]
    static let etcdKeys = ["endpoints", "service", "root"]

    /// `endpoints:` with weights (1 for a plain `"host:port"`; 0 is never chosen, which the balancers allow
    /// for draining one by hand); `field` nil when it is missing (reported already).
    static func parseWeightedEndpoints(
        _ field: (key: Node, value: Node)?, reader: inout YAMLReader, valid: inout Bool
    ) -> [WeightedEndpoint] {
        guard let field, let list = reader.sequence(field.value, what: "'endpoints'") else {
            if field != nil { valid = false }
            return []
        }
        if list.isEmpty {
            reader.error(at: field.value, "'endpoints' must list at least one host:port")
            valid = false
        }
        var endpoints: [WeightedEndpoint] = []
        for item in list {
            if item.mapping != nil {
                guard let entry = parseWeightedEndpoint(item, reader: &reader, address: Self.hostPort) else {
                    valid = false
                    continue
                }
                endpoints.append(entry)
                continue
            }
            guard let text = reader.string(item, what: "an endpoint") else { valid = false; continue }
            if let endpoint = SluiceClient.Endpoint(parsing: text) {
                endpoints.append(WeightedEndpoint(endpoint))
            } else {
                reader.error(at: item, "bad endpoint '\(text)' (expected host:port with a port in 1...65535)")
                valid = false
            }
        }
        if !endpoints.isEmpty, endpoints.allSatisfy({ $0.weight == 0 }) {
            reader.error(at: field.value, "'endpoints': every weight is 0, so no endpoint could be chosen")
            valid = false
        }
        return endpoints
    }

    /// A Thrift or gRPC endpoint's `host:port`.
    static func hostPort(_ text: String) -> Result<SluiceClient.Endpoint, EndpointProblem> {
        guard let endpoint = SluiceClient.Endpoint(parsing: text) else {
            return .failure(EndpointProblem(message: "bad endpoint '\(text)' (expected host:port with a port in 1...65535)"))
        }
        return .success(endpoint)
    }

    /// `{address: "host:port", weight: N}`; `address` reads the address (an http service's is a URL).
    static func parseWeightedEndpoint(
        _ node: Node, reader: inout YAMLReader, address: (String) -> Result<SluiceClient.Endpoint, EndpointProblem>
    ) -> WeightedEndpoint? {
        let before = reader.diagnostics.count
        guard let fields = reader.fields(of: node, what: "an endpoint", allowed: weightedEndpointKeys, suggesting: true)
        else { return nil }
        guard let addressField = fields["address"] else {
            reader.error(at: node, "an endpoint written as a mapping needs 'address'")
            return nil
        }
        var endpoint: SluiceClient.Endpoint?
        if let text = reader.string(addressField.value, what: "'address'") {
            switch address(text) {
            case .success(let parsed): endpoint = parsed
            case .failure(let problem): reader.error(at: addressField.value, problem.message)
            }
        }
        var weight = 1
        if let field = fields["weight"], let value = reader.integer(field.value, what: "'weight'") {
            weight = value
            do {
                try BalancerEndpoint(SluiceClient.Endpoint(host: "", port: 0), weight: value).validate()
            } catch {
                reader.error(at: field.value, "\(error.field): \(error.reason)")
            }
        }
        guard reader.diagnostics.count == before, let endpoint else { return nil }
        return WeightedEndpoint(endpoint, weight: weight)
    }

    /// `discovery: {dns: "host:port", interval: 5s}` or `discovery: {etcd: {endpoints: [...], service: name,
    /// root: ...}}`; nil after an error.
    static func parseDiscovery(_ node: Node, reader: inout YAMLReader) -> ClusterConfiguration.Discovery? {
        let before = reader.diagnostics.count
        guard let fields = reader.fields(of: node, what: "'discovery'", allowed: discoveryKeys, suggesting: true) else { return nil }
        var nodes = PolicyFieldNodes()
        nodes.record("discovery", node)
        let discovery: ClusterConfiguration.Discovery
        switch (fields["dns"], fields["etcd"]) {
        case (let dns?, nil):
            guard let text = reader.string(dns.value, what: "'discovery.dns'") else { return nil }
            guard let target = SluiceClient.Endpoint(parsing: text) else {
                reader.error(at: dns.value, "discovery.dns: expected host:port with a port in 1...65535, not '\(text)'")
                return nil
            }
            nodes.record("discovery.dns", dns.value)
            var configuration = DNSDiscoveryConfiguration(host: target.host, port: target.port)
            if let field = fields["interval"] {
                nodes.record("discovery.interval", field.value)
                guard let interval = reader.duration(field.value, what: "'discovery.interval'") else { return nil }
                configuration.interval = .nanoseconds(interval.nanoseconds)
            }
            discovery = .dns(configuration)
        case (nil, let etcd?):
            if let field = fields["interval"] {
                reader.error(at: field.key, "discovery.interval: applies to dns; etcd is watched, so changes arrive as they happen")
            }
            nodes.record("discovery.etcd", etcd.value)
            guard let configuration = parseEtcd(etcd.value, nodes: &nodes, reader: &reader) else { return nil }
            discovery = .etcd(configuration)
        case (.some, .some):
            reader.error(at: node, "discovery: name one of 'dns' and 'etcd', not both")
            return nil
        case (nil, nil):
            if fields.count == node.mapping?.count {
                reader.error(at: node, "discovery: needs 'dns' (host:port) or 'etcd' ({endpoints, service})")
            }
            return nil
        }
        guard reader.diagnostics.count == before else { return nil }
        do {
            switch discovery {
            case .dns(let configuration): try configuration.validate()
            case .etcd(let configuration): try configuration.validate()
            }
        } catch {
            nodes.report(field: "discovery.\(error.field)", error.message, fallback: node, reader: &reader)
            return nil
        }
        return discovery
    }

    /// `etcd: {endpoints: ["127.0.0.1:2379"], service: echo, root: kitex/registry-etcd}`.
    private static func parseEtcd(
        _ node: Node, nodes: inout PolicyFieldNodes, reader: inout YAMLReader
    ) -> EtcdDiscoveryConfiguration? {
        guard let fields = reader.fields(of: node, what: "'discovery.etcd'", allowed: etcdKeys, suggesting: true) else { return nil }
        var endpoints: [SluiceClient.Endpoint] = []
        if let field = fields["endpoints"], let list = reader.sequence(field.value, what: "'discovery.etcd.endpoints'") {
            nodes.record("discovery.etcd.endpoints", field.value)
            for item in list {
                guard let text = reader.string(item, what: "an etcd endpoint") else { continue }
                if let endpoint = SluiceClient.Endpoint(parsing: text) {
                    endpoints.append(endpoint)
                } else {
                    reader.error(at: item, "discovery.etcd.endpoints: bad endpoint '\(text)' (expected host:port, as etcd's client URL without http://)")
                }
            }
        } else if fields["endpoints"] == nil {
            reader.error(at: node, "discovery.etcd: needs 'endpoints' (etcd's host:port list)")
        }
        var service = ""
        if let field = fields["service"] {
            nodes.record("discovery.etcd.service", field.value)
            service = reader.string(field.value, what: "'discovery.etcd.service'") ?? ""
        } else {
            reader.error(at: node, "discovery.etcd: needs 'service' (the name the Kitex service registers)")
        }
        var configuration = EtcdDiscoveryConfiguration(endpoints: endpoints, service: service)
        if let field = fields["root"], let root = reader.string(field.value, what: "'discovery.etcd.root'") {
            nodes.record("discovery.etcd.root", field.value)
            guard !root.isEmpty else {
                reader.error(at: field.value, "discovery.etcd.root: must not be empty (Kitex's is kitex/registry-etcd)")
                return nil
            }
            configuration.root = root
        }
        return configuration
    }
}
