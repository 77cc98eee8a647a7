import Testing
@testable import SluiceGateway

/// Every problem in a route file's flow-control sections, at its exact `file:line:col`. Rules start on line 12
/// (``FlowRulesConfigTests/routes(_:)`` takes lines 1-10, the section key is line 11).
@Suite("Flow-control rule errors")
struct FlowRulesDiagnosticsTests {
    static let cases: [(name: String, yaml: String, expected: [String])] = [
        (
            "unknown keys, wrong types and unknown names, all of them",
            """
            flow:
              - {resource: say, count: many, grade: fast, burst: 2}
              - {resource: say, count: 1, behavior: queue, strategy: [direct]}
            """,
            [
                "echo.yaml:12:47: unknown key 'burst' in a flow rule (expected one of: resource, grade, count, behavior, warm_up_period, cold_factor, max_queueing_time, strategy, ref_resource, limit_app, origin_header, origin)",
                "echo.yaml:12:28: 'count' must be a number >= 0",
                "echo.yaml:12:41: unknown 'grade' 'fast' (expected one of: qps, concurrency)",
                "echo.yaml:13:41: unknown 'behavior' 'queue' (expected one of: reject, warm_up, throttle, warm_up_throttle)",
                "echo.yaml:13:58: 'strategy' must be a string",
            ]
        ),
        (
            "an unknown top-level key lists the flow sections",
            "flows: []\n",
            ["echo.yaml:11:1: unknown key 'flows' in a route file (expected one of: services, routes, flow, circuit_breakers, param_flow, system, sentinel, flow_origin)"]
        ),
        (
            "required keys",
            """
            flow:
              - {resource: say}
              - {count: 1}
            circuit_breakers:
              - {resource: say, threshold: 1}
            param_flow:
              - {resource: say, count: 1}
            """,
            [
                "echo.yaml:12:5: a flow rule needs 'count'",
                "echo.yaml:13:5: a flow rule needs 'resource'",
                "echo.yaml:15:5: a circuit breaker needs 'strategy'",
                "echo.yaml:15:5: a circuit breaker needs 'recovery_timeout'",
                "echo.yaml:17:5: a param_flow rule needs 'param'",
            ]
        ),
        (
            "out-of-range numbers and durations Sentinel cannot hold",
            """
            flow:
              - {resource: say, count: -1}
              - {resource: say, count: 1, behavior: warm_up, warm_up_period: 1500ms, cold_factor: 1}
              - {resource: say, count: 1, behavior: throttle, max_queueing_time: 1500us}
            circuit_breakers:
              - {resource: say, strategy: error_ratio, threshold: 1.5, recovery_timeout: 0s}
              - {resource: say, strategy: error_count, threshold: 3, recovery_timeout: 2s, min_requests: 0}
            system: {cpu_usage: 2, concurrency: -1}
            """,
            [
                "echo.yaml:12:28: 'count' must be a number >= 0",
                "echo.yaml:13:66: 'warm_up_period' must be a whole number of seconds (Sentinel counts it in seconds)",
                "echo.yaml:13:87: 'cold_factor' must be an integer in 2...1000000",
                "echo.yaml:14:70: 'max_queueing_time' must be a whole number of milliseconds",
                "echo.yaml:16:55: 'threshold' must be a number in 0...1",
                "echo.yaml:16:78: bad duration '0s' for 'recovery_timeout' (expected a positive number with a unit: 500ms, 1s, 2m)",
                "echo.yaml:17:94: 'min_requests' must be an integer in 1...2147483647",
                "echo.yaml:18:37: 'concurrency' must be an integer in 0...2147483647",
                "echo.yaml:18:21: 'cpu_usage' must be a number in 0...1",
            ]
        ),
        (
            "settings a rule would silently ignore",
            """
            flow:
              - {resource: say, count: 1, max_queueing_time: 100ms, ref_resource: other}
              - {resource: say, grade: concurrency, count: 1, behavior: throttle}
              - {resource: say, count: 1, strategy: relate}
              - {resource: say, count: 1, origin: client_ip, origin_header: x-app}
            circuit_breakers:
              - {resource: say, strategy: error_count, threshold: 1, max_rt: 10ms, recovery_timeout: 1s}
              - {resource: say, strategy: slow_ratio, threshold: 0.5, recovery_timeout: 1s}
            param_flow:
              - {resource: say, param: {query: q}, count: 1, grade: concurrency, burst: 2}
            """,
            [
                "echo.yaml:12:31: 'max_queueing_time' applies only to behavior throttle or warm_up_throttle",
                "echo.yaml:12:57: 'ref_resource' applies only to strategy relate or chain",
                "echo.yaml:13:51: 'behavior' applies only to grade qps (a concurrency rule always rejects)",
                "echo.yaml:14:41: strategy relate needs 'ref_resource'",
                "echo.yaml:15:31: 'origin' and 'origin_header' cannot both be given",
                "echo.yaml:17:58: 'max_rt' applies only to strategy slow_ratio",
                "echo.yaml:18:31: strategy slow_ratio needs 'max_rt' (the longest response time that is not slow)",
                "echo.yaml:20:70: 'burst' applies only to grade qps with behavior reject",
            ]
        ),
        (
            "a rule's own validation, at the field it names",
            """
            flow:
              - {resource: "  ", count: 1}
            param_flow:
              - {resource: " ", param: {client_ip: true}, count: 1}
            """,
            [
                "echo.yaml:12:16: a flow rule: 'resource' must not be blank",
                "echo.yaml:14:16: a param_flow rule: 'resource' must not be blank",
            ]
        ),
        (
            "resources that no route, method or API group is, with a near miss",
            """
            flow:
              - {resource: sya, count: 1}
              - {resource: "echo:EchoService.Fire", count: 1, strategy: relate, ref_resource: nothing-like-it}
            """,
            [
                "echo.yaml:12:16: no route or method is the resource 'sya' (did you mean 'say'?)",
                "echo.yaml:13:16: no route or method is the resource 'echo:EchoService.Fire'",
                "echo.yaml:13:83: no route or method is the resource 'nothing-like-it'",
            ]
        ),
        (
            "error outcomes",
            """
            circuit_breakers:
              - {resource: say, strategy: error_count, threshold: 1, recovery_timeout: 1s, errors: ["grpc:NOPE", "http:700", oops, "grpc:OK"]}
            """,
            [
                "echo.yaml:12:89: bad error outcome 'grpc:NOPE' (expected exception:<Name>, grpc:<code name or 1...16>, or http:<status 100...599>)",
                "echo.yaml:12:102: bad error outcome 'http:700' (expected exception:<Name>, grpc:<code name or 1...16>, or http:<status 100...599>)",
                "echo.yaml:12:114: bad error outcome 'oops' (expected exception:<Name>, grpc:<code name or 1...16>, or http:<status 100...599>)",
                "echo.yaml:12:120: bad error outcome 'grpc:OK' (expected exception:<Name>, grpc:<code name or 1...16>, or http:<status 100...599>)",
            ]
        ),
        (
            "hot-parameter sources and exceptions",
            """
            param_flow:
              - {resource: say, param: {header: a, query: b}, count: 1}
              - {resource: say, param: {path: req.nme}, count: 1}
              - {resource: say, param: {field: req..id}, count: 1, exceptions: {vip: -1}}
              - {resource: say, param: {client_ip: false}, count: 1}
              - {resource: "echo:EchoService.Say", param: {path: nope}, count: 1}
            """,
            [
                "echo.yaml:12:28: 'param' must have exactly one of: header, query, cookie, path, field, client_ip",
                "echo.yaml:14:36: 'field' must be a dotted field path such as req.user_id, not 'req..id'",
                "echo.yaml:14:74: the count of 'vip' must be an integer in 0...2147483647",
                "echo.yaml:15:40: 'client_ip' must be true",
                "echo.yaml:13:28: route POST /v1/echo/{req.name} has no path variable 'req.nme' (variables: req.name)",
                "echo.yaml:16:47: route POST /v1/echo/{req.name} has no path variable 'nope' (variables: req.name)",
            ]
        ),
        (
            "one resource, two origin sources",
            """
            flow_origin: {header: x-team}
            flow:
              - {resource: say, count: 1, origin_header: x-app}
              - {resource: say, count: 2, origin: client_ip}
              - {resource: other, count: 3}
            """,
            [
                "echo.yaml:14:39: rules on 'say' read the origin from the client IP here but from header 'x-app' at echo.yaml:13:46; one resource has one origin",
            ]
        ),
        (
            "system and sentinel sections",
            """
            system: {}
            sentinel: {flow: [a], degrade: "", params: p.json, dialect: rust}
            """,
            [
                "echo.yaml:11:9: 'system' needs at least one of: qps, concurrency, avg_rt, cpu_usage, load",
                "echo.yaml:12:36: unknown key 'params' in 'sentinel' (expected one of: flow, degrade, param_flow, system, gateway_flow, api_definitions, dialect)",
                "echo.yaml:12:61: unknown 'dialect' 'rust' (expected one of: java, go)",
                "echo.yaml:12:18: 'flow' must be a string",
                "echo.yaml:12:32: 'degrade' must be the path of a Sentinel JSON rule file",
            ]
        ),
    ]

    @Test("each error at its position", arguments: cases)
    func diagnostics(_ name: String, _ yaml: String, _ expected: [String]) throws {
        let result = try ConfigFixture(["echo.yaml": FlowRulesConfigTests.routes(yaml)]).run()
        #expect(result.diagnostics == expected, "\(name)")
        #expect(result.configuration == nil)
    }

    @Test("origin sources of one resource in two files disagree")
    func originAcrossFiles() throws {
        let first = FlowRulesConfigTests.routes("flow_origin: {client_ip: true}\nflow:\n  - {resource: say, count: 1}\n")
        let second = "flow:\n  - {resource: say, count: 2, origin_header: x-app}\n"
        let result = try ConfigFixture(["a.yaml": first, "b.yaml": second]).run()
        #expect(result.diagnostics == [
            "b.yaml:2:46: rules on 'say' read the origin from header 'x-app' here but from the client IP at a.yaml:11:14; one resource has one origin",
        ])
    }
}
