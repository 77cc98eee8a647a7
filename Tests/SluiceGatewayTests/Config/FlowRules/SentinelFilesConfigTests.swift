import Foundation
import SluiceFlow
import SluiceThrift
import Testing
@testable import SluiceGateway

/// `sentinel:` names Sentinel JSON rule files relative to the route file; their rules load as-is, a dropped
/// rule is a note at its JSON position, a file that cannot be used an error.
@Suite("Sentinel rule files named by route files")
struct SentinelFilesConfigTests {
    static let section = """
    sentinel:
      flow: sentinel/flow.json
      degrade: sentinel/degrade.json
      param_flow: sentinel/param.json
      system: sentinel/system.json
      gateway_flow: sentinel/gateway.json
      api_definitions: sentinel/apis.json
    flow:
      - {resource: shop-api, count: 7}

    """

    static let files = [
        "sentinel/flow.json": #"[{"resource": "abc", "count": 100, "grade": 1}, {"resource": "def", "count": 5, "grade": 0}]"#,
        "sentinel/degrade.json": #"[{"resource": "abc", "grade": 2, "count": 10, "timeWindow": 5}]"#,
        "sentinel/param.json": #"[{"resource": "abc", "paramIdx": 1, "count": 5}, {"resource": "abc", "paramIdx": -1, "count": 3}]"#,
        "sentinel/system.json": #"[{"qps": 100, "highestSystemLoad": -1}]"#,
        "sentinel/gateway.json": #"[{"resource": "shop-api", "resourceMode": 1, "count": 10}]"#,
        "sentinel/apis.json": #"[{"apiName": "shop-api", "predicateItems": [{"pattern": "/v1/**", "matchStrategy": 1}]}]"#,
    ]

    @Test("every kind loads relative to the route file; an API group is a resource YAML rules may name")
    func everyKind() throws {
        var files = Self.files
        files["echo.yaml"] = FlowRulesConfigTests.routes(Self.section)
        let result = try ConfigFixture(files).run()
        #expect(result.diagnostics == [])
        let configuration = try #require(result.configuration)
        let rules = configuration.flowRules
        #expect(rules.flow == [
            FlowRule(resource: "shop-api", count: 7),
            FlowRule(resource: "abc", count: 100), FlowRule(resource: "def", grade: .concurrency, count: 5),
        ])
        #expect(rules.degrade == [DegradeRule(resource: "abc", grade: .errorCount, count: 10, timeWindowSec: 5)])
        // Java's paramIdx is the called method's argument; the engine's own paramIdx is left as written.
        #expect(rules.param.map(\.source) == [.argument(1), .argument(-1)])
        #expect(rules.param.map(\.rule.count) == [5, 3])
        #expect(rules.system == [SystemRule(qps: 100)])
        #expect(rules.gatewayFlow.map(\.resource) == ["shop-api"])
        #expect(rules.gatewayFlow.map(\.resourceMode) == [.customAPIName])
        #expect(rules.apiDefinitions == [ApiDefinition(apiName: "shop-api", predicateItems: [.path(pattern: "/v1/**", matchStrategy: .prefix)])])
        #expect(configuration.notes.isEmpty)
    }

    @Test("an invalid rule is dropped alone and noted at its JSON position; the configuration loads")
    func droppedRule() throws {
        let json = """
        [
          {"resource": "a", "count": 10},
          {"resource": "b", "count": -1},
          {"resource": "c", "count": 1, "clusterMode": true}
        ]
        """
        let result = try ConfigFixture([
            "echo.yaml": FlowRulesConfigTests.routes("sentinel: {flow: rules/flow.json}\n"), "rules/flow.json": json,
        ]).run()
        #expect(result.diagnostics == [])
        let configuration = try #require(result.configuration)
        #expect(configuration.flowRules.flow == [FlowRule(resource: "a", count: 10)])
        let notes = configuration.notes.map { "\(($0.file as NSString).lastPathComponent):\($0.line):\($0.column): \($0.message)" }
        #expect(notes == [
            "flow.json:3:30: warning: $[1].count: must be >= 0 (this rule is dropped, as Sentinel drops it)",
            "flow.json:4:48: warning: $[2].clusterMode: cluster flow control is not supported (this rule is dropped, as Sentinel drops it)",
        ])
        #expect(configuration.notes.allSatisfy { $0.file == result.directory + "/rules/flow.json" })
    }

    @Test("a file that is not a JSON array, or not JSON, is an error at its position; a missing file at the route file's key")
    func rejectedFiles() throws {
        let result = try ConfigFixture([
            "echo.yaml": FlowRulesConfigTests.routes("sentinel: {flow: flow.json, degrade: degrade.json, system: missing.json}\n"),
            "flow.json": #"{"resource": "a", "count": 1}"#,
            "degrade.json": "[\n  {\"resource\": \"a\",}\n]",
        ]).run()
        // (The fixture shows paths relative to its directory.)
        #expect(result.diagnostics == [
            "flow.json:1:1: $: a flow rule file must be a JSON array of rules, not an object (no rule of this flow file loads)",
            "degrade.json:2:20: $: not valid JSON: expected a string key but found '}' (no rule of this degrade file loads)",
            "echo.yaml:11:60: cannot read the Sentinel system rule file 'missing.json'",
        ])
    }

    @Test("Sentinel's rules are not checked against routes: a file is shared across applications")
    func unknownResourcesInJSON() throws {
        let result = try ConfigFixture([
            "echo.yaml": FlowRulesConfigTests.routes("sentinel: {flow: flow.json}\n"),
            "flow.json": #"[{"resource": "some-other-app", "count": 1}]"#,
        ]).run()
        #expect(result.diagnostics == [])
        #expect(try #require(result.configuration).flowRules.flow.map(\.resource) == ["some-other-app"])
    }

    @Test("dialect go reads sentinel-golang's rules; a hotspot paramKey reads the header of that name")
    func goDialect() throws {
        let result = try ConfigFixture([
            "echo.yaml": FlowRulesConfigTests.routes("sentinel: {param_flow: hot.json, flow: flow.json, dialect: go}\n"),
            "hot.json": #"[{"resource": "abc", "metricType": 1, "paramKey": "X-Tenant", "threshold": 5, "durationInSec": 1}, {"resource": "abc", "metricType": 1, "paramIndex": 2, "threshold": 9, "durationInSec": 1}]"#,
            "flow.json": #"[{"resource": "abc", "threshold": 10, "controlBehavior": 1, "maxQueueingTimeMs": 0}]"#,
        ]).run()
        #expect(result.diagnostics == [])
        let rules = try #require(result.configuration).flowRules
        #expect(rules.param.map(\.source) == [.header("x-tenant"), .argument(2)])
        #expect(rules.flow.map(\.dialect) == [.go])
        #expect(rules.flow.map(\.behavior) == [.throttle])
    }

    @Test("one file named by two route files loads once")
    func sharedFile() throws {
        let result = try ConfigFixture([
            "a.yaml": FlowRulesConfigTests.routes("sentinel: {flow: shared/flow.json}\n"),
            "b.yaml": "sentinel: {flow: shared/../shared/flow.json}\n",
            "shared/flow.json": #"[{"resource": "abc", "count": 1}]"#,
        ]).run()
        #expect(result.diagnostics == [])
        #expect(try #require(result.configuration).flowRules.flow.count == 1)
    }

    @Test("route files that come as documents resolve Sentinel files against their own path")
    func documents() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("kv/flow.json", #"[{"resource": "abc", "count": 1}]"#)
        let loader = SchemaLoader { path, _ throws(ConfigErrors) in
            var schema = TestSchemas.echo()
            schema.rootFile = path
            return schema
        }
        let document = RouteDocument(
            path: directory.path + "/kv/echo.yaml", text: FlowRulesConfigTests.routes("sentinel: {flow: flow.json}\n"))
        let configuration = try RouteConfigLoader.load(documents: [document], schemaLoader: loader)
        #expect(configuration.flowRules.flow.map(\.resource) == ["abc"])
    }
}
