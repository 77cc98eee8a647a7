import Testing
@testable import SluiceFlow

/// Files that are not rule arrays, and garbage: one problem with a position, or dropped rules, never a trap.
@Suite("Sentinel rule files: malformed input")
struct SentinelRuleFileGarbageTests {
    @Test("not JSON, not an array, malformed midway: one file problem at line:column, no rules")
    func fileProblems() {
        let notJSON = readRules("resource=abc\n", .flow)
        #expect(notJSON.rules.isEmpty)
        #expect(notJSON.problems.count == 1)
        #expect(notJSON.problems.first?.effect == .fileRejected)
        #expect(notJSON.problems.first.map { "\($0.line):\($0.column) \($0.path)" } == "1:1 $")

        let object = readRules("\n  {\"resource\": \"a\", \"count\": 1}", .flow)
        #expect(object.problems.map { "\($0.line):\($0.column)" } == ["2:3"])
        #expect(object.problems.first?.reason == "a flow rule file must be a JSON array of rules, not an object")

        let broken = readRules("[{\"resource\": \"a\", \"count\": 1},\n {\"resource\": \"b\", \"count\": 1,}]", .flow)
        #expect(broken.rules.isEmpty)
        #expect(broken.problems.map { "\($0.line):\($0.column) \($0.effect)" } == ["2:31 fileRejected"])

        let trailing = readRules("[] []", .degrade)
        #expect(trailing.problems.map(\.column) == [4])
    }

    @Test("an empty file, whitespace, null, a byte order mark: no rules, no problem")
    func empty() {
        #expect(readRules("", .flow).problems.isEmpty)
        #expect(readRules(" \n", .system).problems.isEmpty)
        #expect(readRules("null", .paramFlow).problems.isEmpty)
        let bom = SentinelRuleFile.read([0xEF, 0xBB, 0xBF] + Array(#"[{"resource":"a","count":1}]"#.utf8), kind: .flow)
        #expect(bom.rules.count == 1 && bom.problems.isEmpty)
    }

    @Test("huge numbers, deep nesting, wrong types everywhere: dropped with reasons, never a trap")
    func garbage() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(readRules(deep, .flow).problems.first?.effect == .fileRejected)
        let deepInRule = "[{\"resource\":\"a\",\"x\":" + String(repeating: "{\"a\":", count: 500) + "1"
            + String(repeating: "}", count: 500) + "}]"
        #expect(readRules(deepInRule, .degrade).problems.first?.effect == .fileRejected)

        let values = [
            "1e999999", "-1e999999", "123456789012345678901234567890", "-0", "0.5", "true", "null", "\"x\"", "[]",
            "{}", "[1,[2,{}]]", "1e-400", "9223372036854775808", "-9223372036854775809", "4294967296", "9223372036854775807",
            "2147483647", "-2147483648", "1.7e308", "4.9e-324",
        ]
        let keys = [
            "resource", "count", "grade", "strategy", "controlBehavior", "warmUpPeriodSec", "maxQueueingTimeMs",
            "timeWindow", "minRequestAmount", "slowRatioThreshold", "statIntervalMs", "paramIdx", "burstCount",
            "durationInSec", "paramFlowItemList", "highestSystemLoad", "avgRt", "maxThread", "qps", "intervalSec",
            "paramItem", "apiName", "predicateItems", "threshold", "retryTimeoutMs", "probeNum", "metricType",
            "triggerCount", "specificItems", "paramIndex", "statSlidingWindowBucketCount", "rule", "limitApp",
            "refResource", "resourceMode", "burst", "tokenCalculateStrategy", "statIntervalInMs", "warmUpColdFactor",
        ]
        var rules: [String] = []
        for (i, key) in keys.enumerated() {
            for (j, value) in values.enumerated() {
                let other = keys[(i + j + 1) % keys.count]
                rules.append("{\"resource\":\"r\",\"\(key)\":\(value),\"\(other)\":\(values[(i * 7 + j) % values.count])}")
            }
        }
        let file = "[" + rules.joined(separator: ",\n") + "]"
        for dialect in [SentinelDialect.java, .go] {
            let results: [[SentinelRuleProblem]] = [
                readRules(file, .flow, dialect).problems, readRules(file, .degrade, dialect).problems,
                readRules(file, .paramFlow, dialect).problems, readRules(file, .system, dialect).problems,
                readRules(file, .gatewayFlow, dialect).problems, readRules(file, .apiDefinitions, dialect).problems,
            ]
            for problems in results {
                #expect(problems.allSatisfy { $0.effect != .fileRejected && $0.line >= 1 && $0.column >= 1 })
            }
        }
        // Whatever loaded also runs: the engine takes the extreme values without trapping.
        let engine = FlowEngine()
        let flow = readRules(file, .flow).rules + readRules(file, .flow, .go).rules
        #expect(flow.count > 50)
        _ = engine.load(flowRules: flow, systemRules: readRules(file, .system).rules + readRules(file, .system, .go).rules)
        for now in [Int64(0), 1, 1_000_000] {
            if case .pass(let entry) = engine.admit(resource: "r", now: now) {
                engine.complete(entry, rtMillis: 1, now: now)
            }
        }
        for rule in readRules(file, .degrade).rules + readRules(file, .degrade, .go).rules {
            var breaker = CircuitBreaker(rule: rule)
            _ = breaker.tryPass(now: 0)
        }
        for rule in readRules(file, .paramFlow).rules + readRules(file, .paramFlow, .go).rules {
            var controller = ParamFlowController(rule: rule)
            _ = controller.check(value: "v", now: 0)
        }
    }

    @Test("every truncation of a valid file is a file problem or a clean read, never a trap")
    func truncations() {
        let file = Array("""
            [{"resource":"/shares/1","paramIdx":1,"count":0.0,"paramFlowItemList":[{"object":"1","count":1,"classType":"int"}]},
             {"rule":{"resource":"x","paramIdx":0,"count":5e0}}]
            """.utf8)
        for end in 0...file.count {
            let result = SentinelRuleFile.read(Array(file[0..<end]), kind: .paramFlow)
            if end < file.count && end > 0 { #expect(result.problems.first?.effect == .fileRejected) }
        }
    }
}
