import Testing
@testable import SluiceFlow

func readRules<Rule>(_ json: String, _ kind: SentinelRuleKind<Rule>, _ dialect: SentinelDialect = .java)
    -> SentinelRules<Rule>
{
    SentinelRuleFile.read(Array(json.utf8), kind: kind, dialect: dialect)
}

/// The reference's §6.1–6.3 examples (Sentinel's demos, its issues, the dashboard) read to rule values.
@Suite("Sentinel rule files: Java")
struct SentinelRuleFileJavaTests {
    @Test("§6.1 FlowRule[]: the Nacos demo, and the full example with cluster keys and dashboard extras")
    func flow() {
        let demo = readRules(
            #"[{"resource":"TestResource","controlBehavior":0,"count":5.0,"grade":1,"limitApp":"default","strategy":0}]"#,
            .flow)
        #expect(demo.problems.isEmpty)
        #expect(demo.rules == [FlowRule(resource: "TestResource", count: 5)])

        let full = readRules(
            """
            [{"id":1,"resource":"GET:/api/orders","limitApp":"default","grade":1,"count":100,
              "strategy":0,"refResource":null,"controlBehavior":1,"warmUpPeriodSec":10,
              "maxQueueingTimeMs":500,"clusterMode":false,"regex":false,"app":"shop","gmtCreate":1700000000000,
              "clusterConfig":{"flowId":1001,"thresholdType":0,"fallbackToLocalWhenFail":true,
                               "strategy":0,"sampleCount":10,"windowIntervalMs":1000}},
             {"resource":"b","grade":0,"count":20,"limitApp":"","strategy":1,"refResource":"a","controlBehavior":3,
              "maxQueueingTimeMs":0}]
            """, .flow)
        #expect(full.problems.isEmpty)
        #expect(full.rules == [
            FlowRule(resource: "GET:/api/orders", count: 100, behavior: .warmUp, warmUpPeriodSec: 10),
            // Thread grade: behaviour fields are not checked; a blank limitApp is "default".
            FlowRule(resource: "b", grade: .concurrency, count: 20, strategy: .relate, refResource: "a",
                     behavior: .warmUpThrottle, maxQueueingTimeMs: 0),
        ])
    }

    @Test("invalid flow rules are dropped alone, with the reason, path and line:column")
    func invalidFlow() {
        let file = """
            [
              {"resource": "ok", "count": 1},
              {"resource": "a", "count": -1},
              {"resource": "b", "count": 1, "grade": 2},
              {"resource": "c", "count": "10"},
              {"resource": "d", "count": 1, "strategy": 1},
              {"resource": "e", "count": 1, "controlBehavior": 2, "maxQueueingTimeMs": 0},
              {"resource": "f", "count": 1, "clusterMode": true},
              {"resource": "g", "count": 1, "warmUpPeriodSec": 1e12},
              "flow",
              {"resource": "  ", "count": 1},
              {"resource": "ok2", "count": 2, "controlBehavior": 7}
            ]
            """
        let result = readRules(file, .flow)
        #expect(result.rules.map(\.resource) == ["ok", "ok2"])
        #expect(result.rules.last?.behavior == .reject)
        let seen = result.problems.map { "\($0.line):\($0.column) \($0.path)" }
        #expect(seen == [
            "3:30 $[1].count", "4:42 $[2].grade", "5:30 $[3].count", "6:3 $[4].refResource",
            "7:76 $[5].maxQueueingTimeMs", "8:48 $[6].clusterMode", "9:52 $[7].warmUpPeriodSec",
            "10:3 $[8]", "11:16 $[9].resource",
        ])
        #expect(result.problems.allSatisfy { $0.effect == .ruleDropped })
        #expect(result.problems[0].reason == "must be >= 0")
        #expect(result.problems[2].reason == "must be a number, not string")
        #expect(result.problems[6].reason.hasPrefix("is out of range"))
        #expect(result.problems[0].description == "3:30: $[1].count: must be >= 0 (rule dropped)")
    }

    @Test("§6.2 DegradeRule[] (1.8), and the pre-1.8 demo file read as 1.8 reads it")
    func degrade() {
        let result = readRules(
            """
            [{"resource":"GET:/api/orders","grade":0,"count":200,"slowRatioThreshold":0.5,
              "timeWindow":10,"minRequestAmount":5,"statIntervalMs":1000,"limitApp":"default"},
             {"resource":"GET:/api/orders","grade":1,"count":0.5,"timeWindow":10,"minRequestAmount":10,"statIntervalMs":5000},
             {"resource":"GET:/api/orders","grade":2,"count":20,"timeWindow":30,"minRequestAmount":5,"statIntervalMs":60000},
             {"resource":"abc0","count":20.0,"grade":0,"passCount":0,"timeWindow":10}]
            """, .degrade)
        #expect(result.problems.isEmpty)
        #expect(result.rules == [
            DegradeRule(resource: "GET:/api/orders", grade: .slowRequestRatio, count: 200, timeWindowSec: 10,
                        slowRatioThreshold: 0.5),
            DegradeRule(resource: "GET:/api/orders", grade: .errorRatio, count: 0.5, timeWindowSec: 10,
                        minRequestAmount: 10, statIntervalMs: 5000),
            DegradeRule(resource: "GET:/api/orders", grade: .errorCount, count: 20, timeWindowSec: 30,
                        statIntervalMs: 60000),
            DegradeRule(resource: "abc0", grade: .slowRequestRatio, count: 20, timeWindowSec: 10),
        ])
    }

    @Test("DegradeRuleManagerTest.testIsValidRule's invalid rules, each dropped naming its field")
    func invalidDegrade() {
        let result = readRules(
            """
            [{"resource":"r","count":1},
             {"resource":"r","count":1,"timeWindow":-1},
             {"resource":"r","grade":1,"count":1.1,"timeWindow":1},
             {"resource":"r","grade":1,"count":1.0,"timeWindow":1},
             {"resource":"r","count":-3,"timeWindow":1},
             {"resource":"r","count":1,"slowRatioThreshold":15,"timeWindow":1},
             {"resource":"r","count":1,"timeWindow":1,"minRequestAmount":0},
             {"resource":"r","count":1,"timeWindow":1,"statIntervalMs":0},
             {"resource":"r","grade":3,"count":1,"timeWindow":1}]
            """, .degrade)
        #expect(result.rules.count == 1)
        #expect(result.problems.map(\.path) == [
            "$[0].timeWindow", "$[1].timeWindow", "$[2].count", "$[4].count", "$[5].slowRatioThreshold",
            "$[6].minRequestAmount", "$[7].statIntervalMs", "$[8].grade",
        ])
        // An absent field is placed at its rule.
        #expect(result.problems[0].line == 1 && result.problems[0].column == 2)
    }

    @Test("§6.3 ParamFlowRule[]: spring-cloud-alibaba#771, the dashboard's wrapped shape, items that do not parse")
    func paramFlow() {
        let plain = """
            [{"resource":"/shares/1","limitApp":"default","grade":1,"paramIdx":1,"count":0.0,
              "controlBehavior":0,"maxQueueingTimeMs":0,"burstCount":0,"durationInSec":1,
              "paramFlowItemList":[{"object":"1","count":1,"classType":"int"}],
              "clusterMode":false,"clusterConfig":{"flowId":null,"thresholdType":0,
              "fallbackToLocalWhenFail":true,"sampleCount":10,"windowIntervalMs":1000}}]
            """
        let expected = ParamFlowRule(
            resource: "/shares/1", paramIdx: 1, count: 0, items: [ParamFlowItem(value: "1", count: 1)])
        let result = readRules(plain, .paramFlow)
        #expect(result.problems.isEmpty)
        #expect(result.rules == [expected])

        let wrapped = readRules(
            """
            [{"id":3,"app":"shop","ip":"10.0.0.1","port":8719,"gmtCreate":1700000000000,
              "rule":{"resource":"/shares/1","paramIdx":1,"count":0,"paramFlowItemList":[{"object":1,"count":1,"classType":"int"}]}},
             {"app":"shop","rule":{"resource":"x","count":5}}]
            """, .paramFlow)
        #expect(wrapped.rules == [expected])
        #expect(wrapped.problems.map(\.path) == ["$[1].rule.paramIdx"])

        let items = readRules(
            #"[{"resource":"r","paramIdx":0,"count":5,"controlBehavior":2,"paramFlowItemList":[{"object":"x","count":1,"classType":"int"},{"object":"vip","count":100},{"object":"7","count":-1,"classType":"long"}]}]"#,
            .paramFlow)
        #expect(items.rules == [ParamFlowRule(resource: "r", paramIdx: 0, count: 5, behavior: .throttle,
                                              items: [ParamFlowItem(value: "vip", count: 100)])])
        #expect(items.problems.map(\.path) == ["$[0].paramFlowItemList[0]", "$[0].paramFlowItemList[2]"])
        #expect(items.problems.allSatisfy { $0.effect == .partIgnored })
    }

    @Test("§6.3 SystemRule[]: the demo file; unset rules dropped; a CPU ratio above 1 ignored")
    func system() {
        let result = readRules(
            """
            [{"avgRt":10,"highestSystemLoad":5.0,"maxThread":10,"qps":20.0},
             {"highestSystemLoad":-1,"qps":-1,"avgRt":-1,"maxThread":-1,"highestCpuUsage":-1},
             {"highestCpuUsage":2.7},
             {"highestCpuUsage":2.7,"qps":5}]
            """, .system)
        #expect(result.rules == [
            SystemRule(highestSystemLoad: 5, qps: 20, avgRt: 10, maxThread: 10),
            SystemRule(highestCpuUsage: 2.7, qps: 5),
        ])
        #expect(result.problems.map(\.path) == ["$[1]", "$[2].highestCpuUsage", "$[3].highestCpuUsage"])
        #expect(result.problems.map(\.effect) == [.ruleDropped, .ruleDropped, .partIgnored])
    }

    @Test("§6.3 GatewayFlowRule[] (Sentinel#1002) and ApiDefinition[] (Sentinel#768)")
    func gateway() {
        let rules = readRules(
            """
            [{"burst":0,"controlBehavior":0,"count":99.0,"grade":1,"intervalSec":1,"maxQueueingTimeoutMs":500,
              "paramItem":{"fieldName":"uip","matchStrategy":0,"parseStrategy":2},"resource":"rest-server","resourceMode":0},
             {"resource":"api","resourceMode":1,"count":5,"controlBehavior":2,"paramItem":{"parseStrategy":3}},
             {"resource":"api","resourceMode":2,"count":5}]
            """, .gatewayFlow, .go)
        #expect(rules.rules == [
            GatewayFlowRule(resource: "rest-server", count: 99,
                            paramItem: GatewayParamFlowItem(parseStrategy: .header, fieldName: "uip")),
        ])
        #expect(rules.problems.map(\.path) == ["$[1].paramItem.fieldName", "$[2].resourceMode"])

        let apis = readRules(
            """
            [{"apiName":"server-gateway-api","predicateItems":[{"pattern":"/getUserModel"}]},
             {"apiName":"b","predicateItems":[{"pattern":"/p/**","matchStrategy":1},{"items":[{"pattern":"/x"}]}]},
             {"apiName":"c"},
             {"apiName":"d","predicateItems":[{"pattern":"/x","matchStrategy":5}]}]
            """, .apiDefinitions)
        #expect(apis.rules == [
            ApiDefinition(apiName: "server-gateway-api", predicateItems: [.path(pattern: "/getUserModel", matchStrategy: .exact)]),
            ApiDefinition(apiName: "b", predicateItems: [
                .path(pattern: "/p/**", matchStrategy: .prefix), .group([.path(pattern: "/x", matchStrategy: .exact)]),
            ]),
        ])
        #expect(apis.problems.map(\.path) == ["$[2].predicateItems", "$[3].predicateItems[0].matchStrategy"])
    }
}
