internal import NIOCore
internal import Yams
internal import SluiceClient

/// A Thrift or gRPC service's resilience keys (issue 14) read into ``ServiceConfiguration/cluster`` and
/// ``ServiceConfiguration/hashKey``: `balancer`, `hash_key`, `slow_start`, `retry`, `hedge`, `outlier`,
/// `health_check`, and the weights of `endpoints` or the `discovery` that replaces them.
extension RouteFile {
    /// Service keys read into ``ServiceConfiguration/cluster`` and ``ServiceConfiguration/hashKey``, on every
    /// protocol's services.
    static let resilienceServiceKeys = [
        "discovery", "balancer", "hash_key", "slow_start", "retry", "hedge", "outlier", "health_check",
    ]
    /// Route keys read into ``RouteConfiguration/callPolicy``.
    static let callPolicyRouteKeys = ["timeout", "retry", "hedge"]

    static let outlierKeys = [
        "consecutive_failures", "failure_ratio", "min_requests", "interval", "base_ejection", "max_ejection",
        "max_ejection_percent", "always_eject_one",
    ]
    static let healthCheckKeys = ["interval", "timeout", "healthy", "unhealthy", "thrift_method", "path"]
    static let hashKeyKinds = ["header", "query", "path_param", "client_ip", "cookie"]

    /// Fills `configuration.cluster` and `hashKey` from `fields`; `endpoints` are the weighted static ones
    /// (empty with `discovery`).
    static func parseCluster(
        _ fields: [String: (key: Node, value: Node)], endpoints: [WeightedEndpoint],
        into configuration: inout ServiceConfiguration, reader: inout YAMLReader, valid: inout Bool
    ) {
        let before = reader.diagnostics.count
        var cluster = ClusterConfiguration(endpoints: endpoints)
        if let field = fields["discovery"] { cluster.discovery = parseDiscovery(field.value, reader: &reader) }
        if let field = fields["balancer"], let text = reader.string(field.value, what: "'balancer'") {
            if let kind = BalancerKind(rawValue: text) {
                cluster.balancer.kind = kind
            } else {
                let names = BalancerKind.allCases.map(\.rawValue)
                let hint = YAMLReader.nearest(to: text, among: names).map { "did you mean '\($0)'? " } ?? ""
                reader.error(at: field.value, "balancer: unknown balancer '\(text)' (\(hint)expected one of: \(names.joined(separator: ", ")))")
            }
        }
        if let field = fields["slow_start"], let value = reader.duration(field.value, what: "'slow_start'") {
            cluster.balancer.slowStart = value
            do {
                try cluster.balancer.validate()
            } catch {
                reader.error(at: field.value, "\(error.field): \(error.reason)")
            }
        }
        configuration.hashKey = parseHashKey(fields, balancer: cluster.balancer.kind, reader: &reader)
        if let field = fields["retry"] { cluster.retry = parseRetry(field.value, reader: &reader) }
        if let field = fields["hedge"] { cluster.hedge = parseHedge(field.value, reader: &reader) }
        if let field = fields["outlier"] { cluster.outlier = parseOutlier(field.value, reader: &reader) }
        if let field = fields["health_check"] { cluster.healthCheck = parseHealthCheck(field.value, reader: &reader) }
        configuration.cluster = cluster
        if reader.diagnostics.count != before { valid = false }
    }

    /// `hash_key: {header: x-user}` (or query, path_param, cookie), `hash_key: client_ip`; required by
    /// `consistent_hash` and refused with any other balancer, where it would silently do nothing.
    private static func parseHashKey(
        _ fields: [String: (key: Node, value: Node)], balancer: BalancerKind, reader: inout YAMLReader
    ) -> HashKeySource? {
        guard let field = fields["hash_key"] else {
            if balancer == .consistentHash, let balancerField = fields["balancer"] {
                reader.error(at: balancerField.value, "hash_key: consistent_hash needs a 'hash_key' (header, query, path_param, client_ip or cookie)")
            }
            return nil
        }
        guard balancer == .consistentHash else {
            reader.error(at: field.key, "hash_key: only 'balancer: consistent_hash' uses a hash key (this service's balancer is \(balancer.rawValue))")
            return nil
        }
        if field.value.scalar != nil, let text = reader.string(field.value, what: "'hash_key'") {
            guard text == "client_ip" else {
                reader.error(at: field.value, "hash_key: write {header: name}, {query: name}, {path_param: name}, {cookie: name} or client_ip, not '\(text)'")
                return nil
            }
            return .clientIP
        }
        guard let pairs = reader.fields(of: field.value, what: "'hash_key'", allowed: hashKeyKinds, suggesting: true) else { return nil }
        guard pairs.count == 1, let entry = pairs.first else {
            if field.value.mapping?.count == pairs.count {
                reader.error(at: field.value, "hash_key: name exactly one of header, query, path_param, client_ip, cookie")
            }
            return nil
        }
        let (kind, pair) = (entry.key, entry.value)
        if kind == "client_ip" {
            guard reader.bool(pair.value, what: "'hash_key.client_ip'") == true else {
                if pair.value.tag.description == Tag.Name.bool.rawValue {
                    reader.error(at: pair.value, "hash_key.client_ip: write client_ip (or client_ip: true)")
                }
                return nil
            }
            return .clientIP
        }
        guard let name = reader.string(pair.value, what: "'hash_key.\(kind)'") else { return nil }
        guard !name.isEmpty else {
            reader.error(at: pair.value, "hash_key.\(kind): the name must not be empty")
            return nil
        }
        switch kind {
        case "header": return .header(name.lowercased())
        case "query": return .query(name)
        case "path_param": return .pathParam(name)
        default: return .cookie(name)
        }
    }

    /// `outlier: {consecutive_failures, failure_ratio, min_requests, interval, base_ejection, max_ejection,
    /// max_ejection_percent, always_eject_one}`; `consecutive_failures: null` turns that trigger off.
    private static func parseOutlier(_ node: Node, reader: inout YAMLReader) -> OutlierPolicy? {
        let before = reader.diagnostics.count
        guard let fields = reader.fields(of: node, what: "'outlier'", allowed: outlierKeys, suggesting: true) else { return nil }
        var policy = OutlierPolicy()
        var nodes = PolicyFieldNodes()
        nodes.record("outlier", node)
        if let field = fields["consecutive_failures"] {
            nodes.record("outlier.consecutive_failures", field.value)
            if field.value.tag.description == Tag.Name.null.rawValue {
                policy.consecutiveFailures = nil
            } else {
                policy.consecutiveFailures = reader.integer(field.value, what: "'outlier.consecutive_failures'")
            }
        }
        if let field = fields["failure_ratio"] {
            nodes.record("outlier.failure_ratio", field.value)
            policy.failureRatio = reader.number(field.value, what: "'outlier.failure_ratio'", least: 0, most: 1)
        }
        for (key, field, keyPath) in [
            ("min_requests", "minimum_requests", \OutlierPolicy.minimumRequests),
            ("max_ejection_percent", "max_ejection_percent", \.maxEjectionPercent),
        ] {
            guard let item = fields[key] else { continue }
            nodes.record("outlier.\(field)", item.value, spelled: "outlier.\(key)")
            policy[keyPath: keyPath] = reader.integer(item.value, what: "'outlier.\(key)'") ?? policy[keyPath: keyPath]
        }
        for (key, keyPath) in [
            ("interval", \OutlierPolicy.interval), ("base_ejection", \.baseEjection), ("max_ejection", \.maxEjection),
        ] {
            guard let item = fields[key] else { continue }
            nodes.record("outlier.\(key)", item.value)
            policy[keyPath: keyPath] = reader.duration(item.value, what: "'outlier.\(key)'") ?? policy[keyPath: keyPath]
        }
        if let field = fields["always_eject_one"] {
            policy.alwaysEjectOne = reader.bool(field.value, what: "'outlier.always_eject_one'") ?? false
        }
        if fields["consecutive_failures"] != nil, policy.consecutiveFailures == nil, policy.failureRatio == nil {
            reader.error(at: node, "outlier: with consecutive_failures off, set failure_ratio (or leave 'outlier' out)")
        }
        guard reader.diagnostics.count == before else { return nil }
        return nodes.validated(policy, fallback: node, reader: &reader) { policy throws(PolicyError) in try policy.validate() }
    }

    /// `health_check: {interval, timeout, healthy, unhealthy, thrift_method, path}`; TCP connects when neither
    /// a method (Thrift) nor a path (HTTP) is set. Which of the two a service may set is its protocol's check.
    private static func parseHealthCheck(_ node: Node, reader: inout YAMLReader) -> HealthCheckPolicy? {
        let before = reader.diagnostics.count
        guard let fields = reader.fields(of: node, what: "'health_check'", allowed: healthCheckKeys, suggesting: true) else {
            return nil
        }
        var policy = HealthCheckPolicy()
        var nodes = PolicyFieldNodes()
        nodes.record("health_check", node)
        for (key, keyPath) in [("interval", \HealthCheckPolicy.interval), ("timeout", \.timeout)] {
            guard let item = fields[key] else { continue }
            nodes.record("health_check.\(key)", item.value)
            policy[keyPath: keyPath] = reader.duration(item.value, what: "'health_check.\(key)'") ?? policy[keyPath: keyPath]
        }
        for (key, keyPath) in [("healthy", \HealthCheckPolicy.healthyThreshold), ("unhealthy", \.unhealthyThreshold)] {
            guard let item = fields[key] else { continue }
            nodes.record("health_check.\(key)", item.value)
            policy[keyPath: keyPath] = reader.integer(item.value, what: "'health_check.\(key)'") ?? policy[keyPath: keyPath]
        }
        if let field = fields["thrift_method"], let text = reader.string(field.value, what: "'health_check.thrift_method'") {
            nodes.record("health_check.thrift_method", field.value)
            do {
                policy.thriftMethod = try HealthCheckPolicy.MethodName(parsing: text)
            } catch {
                nodes.report(field: error.field, error.message, fallback: node, reader: &reader)
            }
        }
        if let field = fields["path"], let text = reader.string(field.value, what: "'health_check.path'") {
            nodes.record("health_check.path", field.value)
            if text.first == "/", !text.contains(where: { $0 == " " || $0.isNewline }) {
                policy.httpPath = text
            } else {
                reader.error(at: field.value, "health_check.path must be an absolute path such as /healthz, not '\(text)'")
            }
        }
        guard reader.diagnostics.count == before else { return nil }
        return nodes.validated(policy, fallback: node, reader: &reader) { policy throws(PolicyError) in try policy.validate() }
    }
}
