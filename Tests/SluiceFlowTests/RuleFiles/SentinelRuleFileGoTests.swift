import Testing
@testable import SluiceFlow

/// The reference's §6.4: sentinel-golang's `tests/testdata/extension/helper/` files, and what the module's
/// types cannot express reported on the field.
@Suite("Sentinel rule files: Go")
struct SentinelRuleFileGoTests {
    @Test("FlowRule.json, and the four strategy × behaviour pairs")
    func flow() {
        let result = readRules(
            """
            [{"resource":"abc","threshold":100.0,"relationStrategy":0,"tokenCalculateStrategy":0,"controlBehavior":0,
              "refResource":"refDefault","warmUpPeriodSec":10,"maxQueueingTimeMs":1000,"statIntervalInMs":0},
             {"resource":"w","threshold":50,"tokenCalculateStrategy":1,"warmUpPeriodSec":10,"warmUpColdFactor":4},
             {"resource":"t","threshold":10,"controlBehavior":1,"statIntervalInMs":1000},
             {"resource":"wt","threshold":10,"tokenCalculateStrategy":1,"controlBehavior":1,"warmUpPeriodSec":5,
              "maxQueueingTimeMs":20,"relationStrategy":1,"refResource":"other"}]
            """, .flow, .go)
        #expect(result.problems.isEmpty)
        #expect(result.rules == [
            FlowRule(resource: "abc", count: 100, refResource: "refDefault", warmUpPeriodSec: 10,
                     maxQueueingTimeMs: 1000, coldFactor: 0, dialect: .go),
            FlowRule(resource: "w", count: 50, behavior: .warmUp, warmUpPeriodSec: 10, maxQueueingTimeMs: 0,
                     coldFactor: 4, dialect: .go),
            // Go: 0 means "pace only, never queue".
            FlowRule(resource: "t", count: 10, behavior: .throttle, warmUpPeriodSec: 0, maxQueueingTimeMs: 0,
                     coldFactor: 0, dialect: .go),
            FlowRule(resource: "wt", count: 10, strategy: .relate, refResource: "other", behavior: .warmUpThrottle,
                     warmUpPeriodSec: 5, maxQueueingTimeMs: 20, coldFactor: 0, dialect: .go),
        ])
    }

    @Test("Go flow rules it would drop, and ones the module cannot express, name their field")
    func invalidFlow() {
        let result = readRules(
            """
            [{"resource":"","threshold":1},
             {"resource":"a","threshold":-1},
             {"resource":"a","threshold":1,"tokenCalculateStrategy":1,"warmUpPeriodSec":10,"warmUpColdFactor":1},
             {"resource":"a","threshold":1,"tokenCalculateStrategy":2},
             {"resource":"a","threshold":1,"statIntervalInMs":5000},
             {"resource":"a","threshold":1,"relationStrategy":1},
             {"resource":"a","threshold":1,"maxQueueingTimeMs":-5},
             {"resource":"a","threshold":1,"controlBehavior":2}]
            """, .flow, .go)
        #expect(result.rules.isEmpty)
        #expect(result.problems.map(\.path) == [
            "$[0].resource", "$[1].threshold", "$[2].warmUpColdFactor", "$[3].tokenCalculateStrategy",
            "$[4].statIntervalInMs", "$[5].refResource", "$[6].maxQueueingTimeMs", "$[7].controlBehavior",
        ])
    }

    @Test("CircuitBreakerRule.json: threshold, maxAllowedRtMs, retryTimeoutMs mapped; invalid ones dropped")
    func circuitBreaker() {
        let result = readRules(
            """
            [{"resource":"abc","strategy":0,"retryTimeoutMs":10,"minRequestAmount":10,"statIntervalMs":1000,"maxAllowedRtMs":100,"threshold":0.1},
             {"resource":"abc","strategy":1,"retryTimeoutMs":20,"minRequestAmount":20,"statIntervalMs":2000,"threshold":0.2},
             {"resource":"abc","strategy":2,"retryTimeoutMs":30,"minRequestAmount":30,"statIntervalMs":3000,"threshold":30,
              "probeNum":3,"statSlidingWindowBucketCount":3},
             {"resource":"abc","strategy":1,"retryTimeoutMs":20,"statIntervalMs":2000,"threshold":1.5},
             {"resource":"abc","strategy":3,"retryTimeoutMs":20,"statIntervalMs":2000},
             {"resource":"abc","strategy":0,"statIntervalMs":2000,"maxAllowedRtMs":5},
             {"resource":"abc","strategy":0,"retryTimeoutMs":1,"statIntervalMs":2000,"threshold":2}]
            """, .degrade, .go)
        #expect(result.rules == [
            DegradeRule(resource: "abc", grade: .slowRequestRatio, count: 100, timeWindowSec: 0, minRequestAmount: 10,
                        slowRatioThreshold: 0.1, statIntervalMs: 1000, dialect: .go(retryTimeoutMs: 10)),
            DegradeRule(resource: "abc", grade: .errorRatio, count: 0.2, timeWindowSec: 0, minRequestAmount: 20,
                        statIntervalMs: 2000, dialect: .go(retryTimeoutMs: 20)),
            DegradeRule(resource: "abc", grade: .errorCount, count: 30, timeWindowSec: 0, minRequestAmount: 30,
                        statIntervalMs: 3000, dialect: .go(retryTimeoutMs: 30, probeNum: 3, bucketCount: 3)),
        ])
        #expect(result.problems.map(\.path) == [
            "$[3].threshold", "$[4].strategy", "$[5].retryTimeoutMs", "$[6].threshold",
        ])
    }

    @Test("HotSpotParamFlowRule.json: specificItems by valKind; paramKey; Go's validation")
    func hotspot() {
        let result = readRules(
            """
            [{"resource":"abc","metricType":0,"controlBehavior":0,"paramIndex":0,"threshold":1000,"maxQueueingTimeMs":1,
              "burstCount":10,"durationInSec":1,"paramsMaxCapacity":10000,
              "specificItems":[{"valKind":0,"valStr":"1000","threshold":10001},{"valKind":1,"valStr":"ximu","threshold":10002},
                               {"valKind":2,"valStr":"T","threshold":1},{"valKind":3,"valStr":"1.123456","threshold":2},
                               {"valKind":0,"valStr":"x","threshold":3}]},
             {"resource":"k","metricType":1,"controlBehavior":1,"paramKey":"user","threshold":5,"maxQueueingTimeMs":20,"durationInSec":2},
             {"resource":"k","metricType":1,"threshold":5},
             {"resource":"k","metricType":1,"paramIndex":1,"paramKey":"user","threshold":5,"durationInSec":1}]
            """, .paramFlow, .go)
        #expect(result.rules == [
            ParamFlowRule(resource: "abc", paramIdx: 0, grade: .thread, count: 1000, burstCount: 10, items: [
                ParamFlowItem(value: "1000", count: 10001), ParamFlowItem(value: "ximu", count: 10002),
                ParamFlowItem(value: "true", count: 1), ParamFlowItem(value: "1.12346", count: 2),
            ]),
            ParamFlowRule(resource: "k", paramKey: "user", count: 5, behavior: .throttle, maxQueueingTimeMs: 20,
                          durationInSec: 2),
        ])
        #expect(result.problems.map(\.path) == ["$[0].specificItems[4]", "$[2].durationInSec", "$[3].paramKey"])
    }

    @Test("SystemRule.json: one metric per rule, Go's strict < mapped exactly where it can be")
    func system() {
        let result = readRules(
            """
            [{"metricType":0,"triggerCount":0.5,"strategy":1},
             {"metricType":1,"triggerCount":200},
             {"metricType":2,"triggerCount":100},
             {"metricType":3,"triggerCount":1000.5},
             {"metricType":4,"triggerCount":0.8},
             {"metricType":0,"triggerCount":4},
             {"metricType":4,"triggerCount":1.5},
             {"metricType":5,"triggerCount":1},
             {"metricType":2,"triggerCount":0}]
            """, .system, .go)
        #expect(result.rules == [
            SystemRule(highestSystemLoad: 0.5), SystemRule(avgRt: 200), SystemRule(maxThread: 99),
            SystemRule(qps: 1001), SystemRule(highestCpuUsage: 0.8),
        ])
        #expect(result.problems.map(\.path) == [
            "$[5].strategy", "$[6].triggerCount", "$[7].metricType", "$[8].triggerCount",
        ])
    }
}
