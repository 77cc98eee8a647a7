import Testing
@testable import SluiceFlow

/// `FlowRuleUtil.isValidRule`, `FlowRuleComparatorTest` and `FlowRuleCheckerTest`'s node selection (§1.1, §1.2).
@Suite("Flow rules")
struct FlowRuleTests {
    @Test("invalid rules are reported with the field at fault")
    func validation() {
        func error(_ rule: FlowRule) -> String? {
            do { try rule.validate() } catch { return error.field }
            return nil
        }
        #expect(error(FlowRule(resource: "r", count: 10)) == nil)
        #expect(error(FlowRule(resource: " ", count: 10)) == "resource")
        #expect(error(FlowRule(resource: "r", count: -1)) == "count")
        #expect(error(FlowRule(resource: "r", count: 1, strategy: .relate)) == "refResource")
        #expect(error(FlowRule(resource: "r", count: 1, strategy: .chain, refResource: "")) == "refResource")
        #expect(error(FlowRule(resource: "r", count: 1, behavior: .warmUp, warmUpPeriodSec: 0)) == "warmUpPeriodSec")
        #expect(error(FlowRule(resource: "r", count: 1, behavior: .throttle, maxQueueingTimeMs: 0)) == "maxQueueingTimeMs")
        #expect(error(FlowRule(resource: "r", count: 1, behavior: .warmUpThrottle, maxQueueingTimeMs: 0)) == "maxQueueingTimeMs")
        #expect(error(FlowRule(resource: "r", count: 1, behavior: .throttle, maxQueueingTimeMs: 0, dialect: .go)) == nil)
        // A concurrency rule's behaviour fields are not checked.
        #expect(error(FlowRule(resource: "r", grade: .concurrency, count: 1, behavior: .throttle, maxQueueingTimeMs: 0)) == nil)
        // Blank limitApp means "default"; a cold factor of 1 or less means 3.
        #expect(FlowRule(resource: "r", limitApp: "", count: 1).limitApp == "default")
        #expect(FlowRule(resource: "r", count: 1, coldFactor: 1).effectiveColdFactor == 3)
    }

    @Test("rules for \"default\" are checked last (FlowRuleComparatorTest)")
    func order() {
        let rules = [
            FlowRule(resource: "r", count: 10), FlowRule(resource: "r", limitApp: "originA", count: 1),
            FlowRule(resource: "r", limitApp: "originB", count: 1), FlowRule(resource: "r", limitApp: "other", count: 1),
            FlowRule(resource: "r", count: 20),
        ]
        let ordered = FlowRule.checkingOrder(rules)
        #expect(ordered.map(\.limitApp) == ["originA", "originB", "other", "default", "default"])
        #expect(ordered.map(\.count) == [1, 1, 1, 10, 20])
    }

    @Test("node selection by limitApp and strategy")
    func selection() {
        func select(_ rule: FlowRule, origin: String, route: String = "ctx", named: Bool = false) -> FlowNodeSelection {
            FlowNodeSelection.select(for: rule, origin: origin, entryRoute: route, originNamedByRule: named)
        }
        let byDefault = FlowRule(resource: "r", count: 1)
        #expect(select(byDefault, origin: "") == .resource)
        #expect(select(byDefault, origin: "app") == .resource)
        let forApp = FlowRule(resource: "r", limitApp: "app", count: 1)
        #expect(select(forApp, origin: "app", named: true) == .origin)
        #expect(select(forApp, origin: "else") == .skip)
        let other = FlowRule(resource: "r", limitApp: "other", count: 0)
        #expect(select(other, origin: "app1") == .origin)
        #expect(select(other, origin: "app2", named: true) == .skip)
        #expect(select(other, origin: "") == .skip)  // testFlowRule_other: no origin never matches "other"
        let relate = FlowRule(resource: "r", count: 1, strategy: .relate, refResource: "ref")
        #expect(select(relate, origin: "") == .related("ref"))
        let chain = FlowRule(resource: "r", count: 0, strategy: .chain, refResource: "entry1")
        #expect(select(chain, origin: "", route: "entry1") == .entryRoute)
        #expect(select(chain, origin: "", route: "entry3") == .skip)
    }
}
