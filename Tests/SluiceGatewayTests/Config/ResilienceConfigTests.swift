import Foundation
import NIOCore
import SluiceClient
import Testing
@testable import SluiceGateway

/// Issue 14's per-service keys and a route's `timeout`/`retry`/`hedge`: every key read into its value, the
/// defaults, and every error at its `file:line:col` naming the field.
@Suite("Resilience keys in route files")
struct ResilienceConfigTests {
    /// Lines 1-3; the keys under test start on line 4, indented four spaces.
    static func service(_ keys: String) -> String {
        "services:\n  - name: echo\n    idl: echo.thrift\n" + keys + "\n"
    }

    static func address(_ text: String) -> SluiceClient.Endpoint? { SluiceClient.Endpoint(parsing: text) }

    static func load(_ yaml: String) throws -> (configuration: GatewayConfiguration?, diagnostics: [String]) {
        let result = try ConfigFixture(["echo.yaml": yaml]).run()
        return (result.configuration, result.diagnostics)
    }

    @Test("the issue's block loads into the cluster configuration, key by key")
    func issueExample() throws {
        let result = try Self.load(Self.service("""
            endpoints: ["127.0.0.1:9090", {address: "127.0.0.1:9091", weight: 3}, {address: "127.0.0.1:9092", weight: 0}]
            balancer: consistent_hash
            hash_key: {header: X-User}
            timeout: 1s
            retry:
              max_attempts: 3
              per_try_timeout: 300ms
              backoff: {base: 25ms, max: 250ms}
              on: [connect_failure, reset, timeout, unavailable, "exception:Busy", "grpc:UNAVAILABLE", "http:503"]
              budget: {ratio: 0.2, min_per_second: 10}
              idempotent: true
            hedge: {delay: 50ms, max_extra: 2}
            outlier: {consecutive_failures: 5, failure_ratio: 0.5, min_requests: 20, interval: 10s, base_ejection: 30s, max_ejection: 5m, max_ejection_percent: 50}
            health_check: {interval: 5s, timeout: 1s, healthy: 2, unhealthy: 3, thrift_method: Health.ping}
            slow_start: 30s
        """))
        #expect(result.diagnostics == [])
        let service = try #require(result.configuration?.services.first)
        let cluster = service.cluster
        let addresses = ["127.0.0.1:9090", "127.0.0.1:9091", "127.0.0.1:9092"].compactMap(SluiceClient.Endpoint.init(parsing:))
        #expect(service.endpoints == addresses)
        #expect(cluster.endpoints == zip(addresses, [1, 3, 0]).map { WeightedEndpoint($0, weight: $1) })
        #expect(cluster.discovery == nil)
        #expect(cluster.balancer == BalancerConfiguration(kind: .consistentHash, slowStart: .seconds(30)))
        #expect(service.hashKey == .header("x-user"))
        #expect(service.requestTimeout == .seconds(1))
        #expect(cluster.retry == RetryPolicy(
            maxAttempts: 3, perTryTimeout: .milliseconds(300),
            backoff: RetryBackoff(base: .milliseconds(25), max: .milliseconds(250)),
            conditions: [.connectFailure, .reset, .timeout, .unavailable, .exception("Busy"), .grpc(14), .http(503)],
            budget: .init(ratio: 0.2, minPerSecond: 10), idempotent: true))
        #expect(cluster.hedge == HedgePolicy(delay: .fixed(.milliseconds(50)), maxExtra: 2))
        #expect(cluster.outlier == OutlierPolicy(
            consecutiveFailures: 5, failureRatio: 0.5, minimumRequests: 20, interval: .seconds(10),
            baseEjection: .seconds(30), maxEjection: .minutes(5), maxEjectionPercent: 50))
        #expect(cluster.healthCheck == HealthCheckPolicy(
            interval: .seconds(5), timeout: .seconds(1), healthyThreshold: 2, unhealthyThreshold: 3,
            thriftMethod: .init(service: "Health", method: "ping")))
    }

    @Test("without the keys: the endpoints at weight 1 and every default; routes keep the service's policy")
    func defaults() throws {
        let result = try Self.load(echoServiceYAML + """
        routes:
          - {method: POST, path: /v1/echo, service: echo, call: EchoService.Say}
        """)
        #expect(result.diagnostics == [])
        let configuration = try #require(result.configuration)
        let service = try #require(configuration.services.first)
        let endpoint = try #require(Self.address("127.0.0.1:9090"))
        #expect(service.cluster == ClusterConfiguration(endpoints: [WeightedEndpoint(endpoint)]))
        #expect(service.cluster.balancer.kind == .p2c)
        #expect(service.hashKey == nil)
        #expect(configuration.routes.first?.callPolicy.isEmpty == true)
    }

    @Test("partial blocks keep the value types' defaults; hedge by percentile; hash keys of every kind", arguments: [
        ("hash_key: {query: user}", HashKeySource.query("user")),
        ("hash_key: {path_param: id}", .pathParam("id")),
        ("hash_key: {cookie: session}", .cookie("session")),
        ("hash_key: client_ip", .clientIP),
        ("hash_key: {client_ip: true}", .clientIP),
    ])
    func partialBlocks(hashKey: String, expected: HashKeySource) throws {
        let result = try Self.load(Self.service("""
            endpoints: ["127.0.0.1:9090"]
            balancer: consistent_hash
            \(hashKey)
            retry: {max_attempts: 2}
            hedge: {delay: p99.5}
            outlier: {consecutive_failures: null, failure_ratio: 0.3}
            health_check: {interval: 2s}
        """))
        #expect(result.diagnostics == [])
        let service = try #require(result.configuration?.services.first)
        #expect(service.hashKey == expected)
        #expect(service.cluster.retry == RetryPolicy(maxAttempts: 2))
        #expect(service.cluster.hedge == HedgePolicy(delay: .percentile(99.5)))
        #expect(service.cluster.outlier == OutlierPolicy(consecutiveFailures: nil, failureRatio: 0.3))
        #expect(service.cluster.healthCheck == HealthCheckPolicy(interval: .seconds(2)))
    }

    @Test("discovery by DNS or Kitex's etcd registry replaces the static endpoints")
    func discovery() throws {
        let dns = try Self.load(Self.service("    discovery: {dns: \"echo.internal:9090\", interval: 2s}"))
        #expect(dns.diagnostics == [])
        let dnsService = try #require(dns.configuration?.services.first)
        #expect(dnsService.endpoints.isEmpty && dnsService.cluster.endpoints.isEmpty)
        #expect(dnsService.cluster.discovery == .dns(DNSDiscoveryConfiguration(host: "echo.internal", port: 9090, interval: .seconds(2))))

        let etcd = try Self.load(Self.service("""
            discovery: {etcd: {endpoints: ["127.0.0.1:2379", "127.0.0.1:22379"], service: echo, root: my/registry}}
        """))
        #expect(etcd.diagnostics == [])
        let etcdService = try #require(etcd.configuration?.services.first)
        #expect(etcdService.endpoints.isEmpty)
        #expect(etcdService.cluster.discovery == .etcd(EtcdDiscoveryConfiguration(
            endpoints: ["127.0.0.1:2379", "127.0.0.1:22379"].compactMap(SluiceClient.Endpoint.init(parsing:)),
            service: "echo", root: "my/registry")))
    }

    @Test("a route's timeout, retry and hedge override its service's")
    func routeOverrides() throws {
        let result = try Self.load(echoServiceYAML + """
        routes:
          - method: POST
            path: /v1/echo
            service: echo
            call: EchoService.Say
            timeout: 300ms
            retry: {max_attempts: 4, on: [timeout], idempotent: true}
            hedge: {delay: 20ms}
        """)
        #expect(result.diagnostics == [])
        let route = try #require(result.configuration?.routes.first)
        #expect(route.callPolicy == CallPolicyOverride(
            timeout: .milliseconds(300), retry: RetryPolicy(maxAttempts: 4, conditions: [.timeout], idempotent: true),
            hedge: HedgePolicy(delay: .fixed(.milliseconds(20)))))
    }

    @Test("a service's resilience settings are part of its value (a reload compares them)")
    func hashable() throws {
        let plain = try #require(try Self.load(echoServiceYAML).configuration?.services.first)
        let retried = try #require(try Self.load(echoServiceYAML + "    retry: {max_attempts: 2}\n").configuration?.services.first)
        #expect(plain != retried)
        #expect(plain.endpoints == retried.endpoints)
    }

    static let serviceErrors: [(name: String, keys: String, expected: [String])] = [
        ("unknown balancer, with a suggestion", "    endpoints: [\"127.0.0.1:9090\"]\n    balancer: roundrobin",
         ["echo.yaml:5:15: balancer: unknown balancer 'roundrobin' (did you mean 'round_robin'? expected one of: round_robin, weighted_round_robin, p2c, ewma, consistent_hash, random)"]),
        ("a misspelt service key gets a suggestion", "    endpoints: [\"127.0.0.1:9090\"]\n    balncer: p2c",
         ["echo.yaml:5:5: unknown key 'balncer' in a service (did you mean 'balancer'? expected one of: \(RouteFile.serviceKeys.joined(separator: ", ")))"]),
        ("unknown key in retry, with a suggestion", "    endpoints: [\"127.0.0.1:9090\"]\n    retry: {max_atempts: 3}",
         ["echo.yaml:5:13: unknown key 'max_atempts' in 'retry' (did you mean 'max_attempts'? expected one of: max_attempts, per_try_timeout, backoff, on, budget, idempotent)"]),
        ("retry values the policy refuses, at their nodes", "    endpoints: [\"127.0.0.1:9090\"]\n    retry: {max_attempts: 0}",
         ["echo.yaml:5:27: retry.max_attempts: must be at least 1 (1 means no retry), not 0"]),
        ("backoff max under base", "    endpoints: [\"127.0.0.1:9090\"]\n    retry: {backoff: {base: 100ms, max: 50ms}}",
         ["echo.yaml:5:41: retry.backoff.max: must be at least backoff.base"]),
        ("backoff max under the default base", "    endpoints: [\"127.0.0.1:9090\"]\n    retry: {backoff: {max: 10ms}}",
         ["echo.yaml:5:28: retry.backoff.max: must be at least backoff.base"]),
        ("an unknown retry condition, with a suggestion", "    endpoints: [\"127.0.0.1:9090\"]\n    retry: {on: [reset, timeuot]}",
         ["echo.yaml:5:25: retry.on: unknown retry condition 'timeuot' (did you mean 'timeout'?); expected connect_failure, reset, timeout, unavailable, exception:<Name>, grpc:<CODE or 1-16>, http:<400-599> or http:4xx/5xx"]),
        ("budget out of range and a bad type", "    endpoints: [\"127.0.0.1:9090\"]\n    retry: {budget: {ratio: 1.5, min_per_second: many}, idempotent: maybe}",
         [
            "echo.yaml:5:29: 'retry.budget.ratio' must be a number in 0...1",
            "echo.yaml:5:50: 'retry.budget.min_per_second' must be an integer",
            "echo.yaml:5:69: 'retry.idempotent' must be true or false",
         ]),
        ("hedge without a delay, with a bad percentile, with no extra", "    endpoints: [\"127.0.0.1:9090\"]\n    hedge: {max_extra: 1}",
         ["echo.yaml:5:12: hedge.delay: required (a duration such as 50ms, or a percentile such as p95)"]),
        ("hedge delay neither a duration nor a percentile", "    endpoints: [\"127.0.0.1:9090\"]\n    hedge: {delay: soon}",
         ["echo.yaml:5:20: hedge.delay: expected a duration or a percentile such as p95 or p99.9, not 'soon'"]),
        ("hedge max_extra 0", "    endpoints: [\"127.0.0.1:9090\"]\n    hedge: {delay: 10ms, max_extra: 0}",
         ["echo.yaml:5:37: hedge.max_extra: must be at least 1, not 0"]),
        ("outlier percent over 100, spelt as written", "    endpoints: [\"127.0.0.1:9090\"]\n    outlier: {max_ejection_percent: 150}",
         ["echo.yaml:5:37: outlier.max_ejection_percent: must be between 0 and 100, not 150"]),
        ("outlier min_requests named as the file spells it", "    endpoints: [\"127.0.0.1:9090\"]\n    outlier: {min_requests: 0}",
         ["echo.yaml:5:29: outlier.min_requests: must be at least 1, not 0"]),
        ("outlier with no trigger", "    endpoints: [\"127.0.0.1:9090\"]\n    outlier: {consecutive_failures: ~}",
         ["echo.yaml:5:14: outlier: with consecutive_failures off, set failure_ratio (or leave 'outlier' out)"]),
        ("health check timeout over its interval", "    endpoints: [\"127.0.0.1:9090\"]\n    health_check: {interval: 1s, timeout: 2s}",
         ["echo.yaml:5:43: health_check.timeout: must be positive and at most the interval"]),
        ("health check method not Service.method", "    endpoints: [\"127.0.0.1:9090\"]\n    health_check: {thrift_method: ping}",
         ["echo.yaml:5:35: health_check.thrift_method: expected Service.method, not 'ping'"]),
        ("slow start over an hour", "    endpoints: [\"127.0.0.1:9090\"]\n    slow_start: 2h",
         ["echo.yaml:5:17: slow_start: must be between 0 and 1h"]),
        ("consistent_hash without a hash key", "    endpoints: [\"127.0.0.1:9090\"]\n    balancer: consistent_hash",
         ["echo.yaml:5:15: hash_key: consistent_hash needs a 'hash_key' (header, query, path_param, client_ip or cookie)"]),
        ("a hash key with another balancer", "    endpoints: [\"127.0.0.1:9090\"]\n    hash_key: {header: x-user}",
         ["echo.yaml:5:5: hash_key: only 'balancer: consistent_hash' uses a hash key (this service's balancer is p2c)"]),
        ("a hash key of two kinds, an empty name, a misspelt kind", "    endpoints: [\"127.0.0.1:9090\"]\n    balancer: consistent_hash\n    hash_key: {header: a, query: b}",
         ["echo.yaml:6:15: hash_key: name exactly one of header, query, path_param, client_ip, cookie"]),
        ("a hash key with an empty path param", "    endpoints: [\"127.0.0.1:9090\"]\n    balancer: consistent_hash\n    hash_key: {path_param: \"\"}",
         ["echo.yaml:6:28: hash_key.path_param: the name must not be empty"]),
        ("a misspelt hash key kind", "    endpoints: [\"127.0.0.1:9090\"]\n    balancer: consistent_hash\n    hash_key: {heder: x}",
         ["echo.yaml:6:16: unknown key 'heder' in 'hash_key' (did you mean 'header'? expected one of: header, query, path_param, client_ip, cookie)"]),
        ("weights: negative, missing address, all zero", "    endpoints: [{address: \"127.0.0.1:9090\", weight: -1}, {weight: 2}, {address: nowhere}]",
         [
            "echo.yaml:4:53: weight: must be between 0 and 1000000",
            "echo.yaml:4:58: an endpoint written as a mapping needs 'address'",
            "echo.yaml:4:81: bad endpoint 'nowhere' (expected host:port with a port in 1...65535)",
         ]),
        ("every weight 0", "    endpoints: [{address: \"127.0.0.1:9090\", weight: 0}]",
         ["echo.yaml:4:16: 'endpoints': every weight is 0, so no endpoint could be chosen"]),
        ("endpoints and discovery together", "    endpoints: [\"127.0.0.1:9090\"]\n    discovery: {dns: \"echo:9090\"}",
         ["echo.yaml:5:5: 'endpoints' and 'discovery' exclude each other: list the endpoints or discover them"]),
        ("neither endpoints nor discovery", "    timeout: 1s",
         ["echo.yaml:2:5: a service needs 'endpoints' (or 'discovery')"]),
        ("discovery with both sources", "    discovery: {dns: \"echo:9090\", etcd: {endpoints: [\"127.0.0.1:2379\"], service: echo}}",
         ["echo.yaml:4:16: discovery: name one of 'dns' and 'etcd', not both"]),
        ("discovery with no source", "    discovery: {interval: 5s}",
         ["echo.yaml:4:16: discovery: needs 'dns' (host:port) or 'etcd' ({endpoints, service})"]),
        ("dns without a port; interval with etcd", "    discovery: {dns: echo.internal}",
         ["echo.yaml:4:22: discovery.dns: expected host:port with a port in 1...65535, not 'echo.internal'"]),
        ("etcd: interval does not apply, service empty, bad endpoint", "    discovery: {etcd: {endpoints: [\"http://127.0.0.1:2379\"], service: echo}, interval: 1s}",
         [
            "echo.yaml:4:78: discovery.interval: applies to dns; etcd is watched, so changes arrive as they happen",
            "echo.yaml:4:36: discovery.etcd.endpoints: bad endpoint 'http://127.0.0.1:2379' (expected host:port, as etcd's client URL without http://)",
         ]),
        ("etcd with an empty service, named by the value type", "    discovery: {etcd: {endpoints: [\"127.0.0.1:2379\"], service: \"\"}}",
         ["echo.yaml:4:64: discovery.etcd.service: is empty"]),
        ("etcd with no endpoints listed", "    discovery: {etcd: {endpoints: [], service: echo}}",
         ["echo.yaml:4:35: discovery.etcd.endpoints: name at least one"]),
    ]

    @Test("service errors, each at its node and naming its field", arguments: serviceErrors.indices)
    func serviceError(_ index: Int) throws {
        let testCase = Self.serviceErrors[index]
        let result = try Self.load(Self.service(testCase.keys))
        #expect(result.diagnostics == testCase.expected, "\(testCase.name)")
        #expect(result.configuration == nil)
    }

    @Test("route overrides: errors at their nodes; http routes take them too")
    func routeErrors() throws {
        let bad = try Self.load(echoServiceYAML + """
        routes:
          - {method: POST, path: /v1/echo, service: echo, call: EchoService.Say, timeout: 0s, retry: {on: []}, hedge: {dealy: 1ms}}
        """)
        #expect(bad.diagnostics == [
            "echo.yaml:9:83: bad duration '0s' for 'timeout' (expected a positive number with a unit: 500ms, 1s, 2m)",
            "echo.yaml:9:99: retry.on: name at least one failure to retry (leave 'retry' out to retry nothing)",
            "echo.yaml:9:112: unknown key 'dealy' in 'hedge' (did you mean 'delay'? expected one of: delay, max_extra)",
            "echo.yaml:9:111: hedge.delay: required (a duration such as 50ms, or a percentile such as p95)",
        ])
        let proxied = try Self.load("""
        services:
          - {name: web, protocol: http, endpoints: ["http://127.0.0.1:8080"]}
        routes:
          - {method: GET, path: /web, service: web, timeout: 1s, retry: {max_attempts: 2}, hedge: {delay: 5ms}}
        """)
        #expect(proxied.diagnostics == [])
        let route = try #require(proxied.configuration?.routes.first)
        #expect(route.callPolicy.timeout == .seconds(1))
        #expect(route.callPolicy.retry?.maxAttempts == 2)
        #expect(route.callPolicy.hedge?.delay == .fixed(.milliseconds(5)))
    }

    @Test("HTTP and gRPC services take every resilience key; an http endpoint is still a URL")
    func unwiredProtocols() throws {
        let result = try Self.load("""
        services:
          - name: web
            protocol: http
            endpoints: ["http://127.0.0.1:8080", {address: "127.0.0.1:8081", weight: 2}]
            timeout: 2s
            balancer: p2c
            retry: {max_attempts: 2}
            hedge: {delay: 5ms}
          - name: orders
            protocol: grpc
            idl: reflection
            discovery: {dns: "orders:50051"}
        """)
        #expect(result.diagnostics == [
            "echo.yaml:4:52: bad endpoint '127.0.0.1:8081' for an http service (expected http://host:port or https://host:port)",
            "echo.yaml:12:5: 'idl: reflection' asks the service's 'endpoints' for its schema at load; list them rather than 'discovery'",
        ])
    }

    @Test("an HTTP service takes discovery, retries, outlier ejection and a GET health check; not a Thrift method")
    func httpResilience() throws {
        let result = try Self.load("""
        services:
          - name: web
            protocol: http
            discovery: {etcd: {endpoints: ["127.0.0.1:2379"], service: web}}
            retry: {max_attempts: 3, on: [connect_failure, reset, "http:503"], idempotent: true}
            outlier: {consecutive_failures: 2, base_ejection: 1s}
            health_check: {interval: 1s, timeout: 500ms, path: /healthz}
        """)
        #expect(result.diagnostics == [])
        let service = try #require(result.configuration?.services.first)
        #expect(service.cluster.endpoints.isEmpty)
        #expect(service.cluster.retry?.conditions.contains(.http(503)) == true)
        #expect(service.cluster.outlier?.consecutiveFailures == 2)
        #expect(service.cluster.healthCheck?.httpPath == "/healthz")
        let bad = try Self.load("""
        services:
          - name: web
            protocol: http
            endpoints: ["http://127.0.0.1:8080"]
            discovery: {dns: "web:8080"}
            health_check: {thrift_method: Health.ping, path: healthz}
          - name: echo
            idl: echo.thrift
            endpoints: ["127.0.0.1:9090"]
            health_check: {path: /healthz}
        """)
        #expect(bad.diagnostics == [
            "echo.yaml:5:5: 'endpoints' and 'discovery' exclude each other: list the endpoints or discover them",
            "echo.yaml:6:54: health_check.path must be an absolute path such as /healthz, not 'healthz'",
            "echo.yaml:10:19: health_check.path is for HTTP services; a Thrift service's probe calls health_check.thrift_method (or connects)",
        ])
    }

    @Test("an HTTP service takes weighted URLs, a balancer and a hash key on a request part, not a path variable")
    func httpBalancing() throws {
        let result = try Self.load("""
        services:
          - name: web
            protocol: http
            endpoints: ["http://127.0.0.1:8080", {address: "http://127.0.0.1:8081", weight: 3}]
            balancer: consistent_hash
            hash_key: {header: x-user}
            slow_start: 10s
        """)
        #expect(result.diagnostics == [])
        let service = try #require(result.configuration?.services.first)
        #expect(service.endpoints.map(\.port) == [8080, 8081])
        #expect(service.cluster.endpoints.map(\.weight) == [1, 3])
        #expect(service.cluster.balancer.kind == .consistentHash)
        #expect(service.cluster.balancer.slowStart == .seconds(10))
        #expect(service.hashKey == .header("x-user"))

        let refused = try Self.load("""
        services:
          - name: web
            protocol: http
            endpoints: ["http://127.0.0.1:8080", {address: "https://127.0.0.1:8081", weight: 0}]
            balancer: consistent_hash
            hash_key: {path_param: id}
        """)
        #expect(refused.diagnostics == [
            "echo.yaml:4:52: endpoint 'https://127.0.0.1:8081': a service's endpoints are all http:// or all https:// (the first is http://)",
            "echo.yaml:6:15: hash_key: path_param is for Thrift and gRPC routes, which bind path variables to fields; hash an http service's requests on a header, query, cookie or client_ip",
        ])
    }
}

extension ResilienceConfigTests {
    @Test("a path_param hash key must be a variable of every route to the service")
    func pathParamInEveryRoute() throws {
        let result = try Self.load(Self.service("""
            endpoints: ["127.0.0.1:9090"]
            balancer: consistent_hash
            hash_key: {path_param: req.name}
        routes:
          - {method: POST, path: "/v1/echo/{req.name}", service: echo, call: EchoService.Say}
          - {method: POST, path: /v1/echo, service: echo, call: EchoService.Say}
        """))
        #expect(result.diagnostics == [
            "echo.yaml:9:26: hash_key.path_param: service 'echo' hashes on path variable 'req.name', which this path does not bind"
        ])
    }
}

extension ResilienceConfigTests {
    static let grpcProto = """
    syntax = "proto3";
    package shop.v1;
    message GetOrderRequest { string name = 1; }
    message Order { string name = 1; }
    service OrderService { rpc GetOrder(GetOrderRequest) returns (Order); }
    """

    @Test("a gRPC service takes the resilience keys, and a route its timeout, retry and hedge")
    func grpcServiceKeys() throws {
        let result = try ConfigFixture(["shop.proto": Self.grpcProto, "a.yaml": """
        services:
          - name: orders
            protocol: grpc
            idl: shop.proto
            endpoints: ["127.0.0.1:50051", {address: "127.0.0.1:50052", weight: 3}]
            balancer: consistent_hash
            hash_key: {header: x-user}
            retry: {max_attempts: 3, per_try_timeout: 200ms, on: [unavailable, "grpc:RESOURCE_EXHAUSTED"], idempotent: true}
            hedge: {delay: 20ms}
            outlier: {consecutive_failures: 3}
            health_check: {interval: 1s}
        routes:
          - {method: GET, path: "/v1/orders/{name}", service: orders, call: OrderService.GetOrder, timeout: 2s, retry: {max_attempts: 2}}
        """]).run()
        #expect(result.diagnostics == [])
        let configuration = try #require(result.configuration)
        let service = try #require(configuration.services.first)
        #expect(service.cluster.endpoints.map(\.weight) == [1, 3])
        #expect(service.cluster.balancer.kind == .consistentHash)
        #expect(service.hashKey != nil)
        #expect(service.cluster.retry?.conditions == [.unavailable, .grpc(8)])
        #expect(service.cluster.retry?.perTryTimeout == .milliseconds(200))
        #expect(service.cluster.hedge != nil && service.cluster.outlier != nil && service.cluster.healthCheck != nil)
        let route = try #require(configuration.routes.first)
        #expect(route.callPolicy.timeout == .seconds(2))
        #expect(route.callPolicy.retry?.maxAttempts == 2)
        #expect(ServiceRuntime.grpcClientConfiguration(for: service).cluster == service.cluster)
    }

    @Test("a plain gRPC service keeps the direct client; discovery and weights make it a cluster")
    func grpcClusterOnlyWhenAsked() throws {
        let plain = try ConfigFixture(["shop.proto": Self.grpcProto, "a.yaml": """
        services:
          - {name: orders, protocol: grpc, idl: shop.proto, endpoints: ["127.0.0.1:50051"]}
        """]).run()
        let service = try #require(plain.configuration?.services.first)
        #expect(ServiceRuntime.grpcClientConfiguration(for: service).cluster == nil)
        #expect(ServiceRuntime.grpcClientConfiguration(for: service, routesRetry: true).cluster != nil)
        let discovered = try ConfigFixture(["shop.proto": Self.grpcProto, "a.yaml": """
        services:
          - {name: orders, protocol: grpc, idl: shop.proto, discovery: {dns: "localhost:50051"}}
        """]).run()
        #expect(discovered.diagnostics == [])
        let found = try #require(discovered.configuration?.services.first)
        #expect(found.endpoints.isEmpty)
        #expect(ServiceRuntime.grpcClientConfiguration(for: found).cluster?.discovery != nil)
    }

    @Test("a gRPC service's health check is grpc.health.v1: thrift_method and path are refused there")
    func grpcHealthCheckMethod() throws {
        let result = try ConfigFixture(["shop.proto": Self.grpcProto, "a.yaml": """
        services:
          - name: orders
            protocol: grpc
            idl: shop.proto
            endpoints: ["127.0.0.1:50051"]
            health_check: {thrift_method: Health.ping}
        """]).run()
        #expect(result.diagnostics == [
            "a.yaml:6:19: health_check.thrift_method and .path are for Thrift and HTTP services; a gRPC service's endpoints are asked grpc.health.v1.Health/Check"
        ])
    }
}
