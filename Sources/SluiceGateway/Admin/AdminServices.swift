internal import SluiceClient
internal import SluiceThrift

/// `/admin/services` and `/readyz`: each service's endpoints as its clients see them now (weights, attempts in
/// flight, health checks, outlier ejection), or as configured for a service with one static endpoint and no
/// cluster, whose client keeps no such state.
enum AdminServices {
    static func protocolName(_ kind: ServiceConfiguration.Kind) -> String {
        switch kind {
        case .thrift: "thrift"
        case .grpc: "grpc"
        case .http: "http"
        }
    }

    /// Per service name, its endpoints' standing merged over its clients (a Thrift service has one per IDL
    /// service its routes call); absent for services without a cluster.
    static func statuses(_ snapshot: RuntimeSnapshot) async -> [String: [EndpointStatus]] {
        var merged: [String: [EndpointStatus]] = [:]
        for (key, runtime) in snapshot.services {
            guard let statuses = await runtime.client.endpointStatuses() else { continue }
            merged[key.service] = merge(merged[key.service], statuses)
        }
        for (name, upstream) in snapshot.upstreams {
            guard let statuses = await upstream.endpointStatuses() else { continue }
            merged[name] = merge(merged[name], statuses)
        }
        return merged
    }

    /// Per service without a cluster, the open connections to its one endpoint, over its clients.
    static func directConnections(_ snapshot: RuntimeSnapshot) -> [String: Int] {
        var connections: [String: Int] = [:]
        for (key, runtime) in snapshot.services {
            if let open = runtime.client.openConnections { connections[key.service, default: 0] += open }
        }
        for (name, upstream) in snapshot.upstreams {
            if let open = upstream.openConnections { connections[name, default: 0] += open }
        }
        return connections
    }

    /// One endpoint's view from several clients: their attempts add up, and it is down if any holds it down.
    private static func merge(_ known: [EndpointStatus]?, _ more: [EndpointStatus]) -> [EndpointStatus] {
        guard let known else { return more }
        var byEndpoint = Dictionary(known.map { ($0.endpoint, $0) }, uniquingKeysWith: { first, _ in first })
        var order = known.map(\.endpoint)
        for status in more {
            guard let existing = byEndpoint[status.endpoint] else {
                byEndpoint[status.endpoint] = status
                order.append(status.endpoint)
                continue
            }
            let healthy: Bool? =
                existing.healthy == false || status.healthy == false
                ? false : (existing.healthy ?? status.healthy)
            byEndpoint[status.endpoint] = EndpointStatus(
                endpoint: status.endpoint, weight: max(existing.weight, status.weight),
                inFlight: existing.inFlight + status.inFlight, healthy: healthy,
                ejectedOn: max(existing.ejectedOn, status.ejectedOn), loops: max(existing.loops, status.loops),
                draining: existing.draining && status.draining, counts: existing.counts + status.counts,
                connections: existing.connections == nil && status.connections == nil
                    ? nil : (existing.connections ?? 0) + (status.connections ?? 0))
        }
        return order.compactMap { byEndpoint[$0] }
    }

    static func json(_ snapshot: RuntimeSnapshot) async -> [AdminJSON] {
        let statuses = await statuses(snapshot)
        let direct = directConnections(snapshot)
        return snapshot.configuration.services.map { service in
            json(service, statuses: statuses[service.name], connections: direct[service.name])
        }
    }

    private static func json(_ service: ServiceConfiguration, statuses: [EndpointStatus]?, connections: Int?) -> AdminJSON {
        let endpoints: [AdminJSON] =
            statuses.map { $0.map(json) }
            ?? service.endpoints.map { endpoint in
                .object([
                    ("address", .string(endpoint.description)), ("weight", .int(1)), ("in_flight", .null),
                    ("connections", .optional(connections, AdminJSON.int)),
                    ("healthy", .null), ("ejected_on_loops", .int(0)), ("usable", .bool(true)),
                ])
            }
        let cluster = service.cluster
        var members: [(String, AdminJSON)] = [
            ("name", .string(service.name)),
            ("protocol", .string(protocolName(service.kind))),
        ]
        if service.kind == .thrift {
            members += [("transport", .string(service.transport.rawValue)), ("codec", .string(service.protocolKind.rawValue))]
        }
        members += [
            ("endpoints", .array(endpoints)),
            ("discovery", discoveryJSON(cluster.discovery)),
            ("balancer", .string(cluster.balancer.kind.rawValue)),
            ("timeout_ms", .milliseconds(service.requestTimeout)),
            ("connect_timeout_ms", .milliseconds(service.connectTimeout)),
            ("connections", .int(service.connectionsPerEndpoint)),
            (
                "retry",
                .optional(cluster.retry) { retry in
                    .object([
                        ("max_attempts", .int(retry.maxAttempts)),
                        ("per_try_timeout_ms", .optional(retry.perTryTimeout, AdminJSON.milliseconds)),
                        ("idempotent", .bool(retry.idempotent)),
                    ])
                }
            ),
            ("hedge", .optional(cluster.hedge) { .object([("max_extra", .int($0.maxExtra)), ("delay", .string("\($0.delay)"))]) }),
            ("outlier_detection", .bool(cluster.outlier != nil)),
            ("health_check", .bool(cluster.healthCheck != nil)),
            ("tls", .bool(service.tls != nil)),
            ("origin", .string(service.origin.description)),
        ]
        return .object(members)
    }

    private static func json(_ status: EndpointStatus) -> AdminJSON {
        .object([
            ("address", .string(status.endpoint.description)),
            ("weight", .int(status.weight)),
            ("in_flight", .int(status.inFlight)),
            ("connections", .optional(status.connections, AdminJSON.int)),
            ("healthy", .optional(status.healthy, AdminJSON.bool)),
            ("ejected_on_loops", .int(status.ejectedOn)),
            ("loops", .int(status.loops)),
            ("draining", .bool(status.draining)),
            ("usable", .bool(status.isUsable)),
            (
                "counts",
                .object([
                    ("attempts", .int(status.counts.attempts)), ("retries", .int(status.counts.retries)),
                    ("hedges", .int(status.counts.hedges)), ("failures", .int(status.counts.failures)),
                    ("timeouts", .int(status.counts.timeouts)),
                ])
            ),
        ])
    }

    private static func discoveryJSON(_ discovery: ClusterConfiguration.Discovery?) -> AdminJSON {
        switch discovery {
        case nil:
            .object([("kind", .string("static"))])
        case .dns(let dns)?:
            .object([("kind", .string("dns")), ("host", .string(dns.host)), ("port", .int(dns.port)), ("interval", .string("\(dns.interval)"))])
        case .etcd(let etcd)?:
            .object([
                ("kind", .string("etcd")), ("service", .string(etcd.service)), ("root", .string(etcd.root)),
                ("etcd", .array(etcd.endpoints.map { .string($0.description) })),
            ])
        }
    }

    struct Readiness {
        var ready: Bool
        var json: AdminJSON
    }

    /// Ready once the routes are loaded (they are, for a running snapshot) and every service has an endpoint
    /// some event loop may pick.
    static func readiness(_ snapshot: RuntimeSnapshot) async -> Readiness {
        let statuses = await statuses(snapshot)
        var ready = true
        var services: [(String, AdminJSON)] = []
        for service in snapshot.configuration.services {
            let usable = statuses[service.name].map { $0.filter(\.isUsable).count } ?? service.endpoints.count
            let total = statuses[service.name].map { $0.filter { !$0.draining }.count } ?? service.endpoints.count
            if usable == 0 { ready = false }
            services.append(
                (service.name, .object([("ready", .bool(usable > 0)), ("usable_endpoints", .int(usable)), ("endpoints", .int(total))])))
        }
        return Readiness(
            ready: ready,
            json: .object([
                ("ready", .bool(ready)), ("routes", .int(snapshot.configuration.routes.count)), ("services", .object(services)),
            ]))
    }
}
