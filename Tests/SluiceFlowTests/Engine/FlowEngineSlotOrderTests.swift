import Testing
@testable import SluiceFlow

/// Parameter rules and breakers through the facade, in Sentinel's slot order (system, param, flow, degrade).
@Suite("FlowEngine slot order")
struct FlowEngineSlotOrderTests {
    private func entry(_ admission: Admission) -> FlowEntry? {
        switch admission {
        case .pass(let entry), .wait(_, let entry): return entry
        case .block: return nil
        }
    }

    private func block(_ admission: Admission) -> FlowBlock? {
        if case .block(let block) = admission { return block }
        return nil
    }

    @Test("a parameter rule limits each value on its own and counts its blocks on the resource")
    func parameterValues() {
        let engine = FlowEngine()
        let rule = ParamFlowRule(resource: "say", paramIdx: 0, count: 1)
        engine.load(FlowRuleSet(param: [rule]))
        let resource = engine.resource("say")
        #expect(entry(engine.admit(resource, parameters: ["a"], now: 1_000)) != nil)
        #expect(block(engine.admit(resource, parameters: ["a"], now: 1_010)) == .param(rule))
        #expect(entry(engine.admit(resource, parameters: ["b"], now: 1_020)) != nil)
        // No value, or an index past the call's parameters, passes.
        #expect(entry(engine.admit(resource, parameters: [nil], now: 1_030)) != nil)
        #expect(entry(engine.admit(resource, now: 1_040)) != nil)
        #expect(resource.node.withMetrics { $0.blockQps(at: 1_050) } == 1)
        #expect(resource.node.withMetrics { $0.passQps(at: 1_050) } == 4)
    }

    @Test("the caller's gate runs after the system rules and before the parameter rules; its block is counted as one")
    func gateOrder() {
        let engine = FlowEngine()
        let param = ParamFlowRule(resource: "say", paramIdx: 0, count: 1)
        engine.load(FlowRuleSet(param: [param], system: [SystemRule(qps: 2)]))
        let resource = engine.resource("say")
        var gateCalls = 0
        func admit(_ value: String, gate answer: FlowDecision, now: Int64) -> Admission {
            engine.admit(resource, parameterCount: 1, parameter: { _ in value }, gate: { _ in gateCalls += 1; return answer }, now: now)
        }
        // The gate blocks before the parameter rule is asked: "a" keeps its token.
        #expect(block(admit("a", gate: .block, now: 1_000)) == .gateway)
        #expect(entry(admit("a", gate: .pass, now: 1_010)) != nil)
        // A gate's wait is the call's.
        guard case .wait(7, _) = admit("b", gate: .wait(7), now: 1_020) else {
            Issue.record("the gate's wait was not the call's")
            return
        }
        #expect(gateCalls == 3)
        // Two passes fill the system QPS: the system rule blocks before the gate is asked.
        #expect(block(admit("c", gate: .pass, now: 1_030)) == .system(.qps))
        #expect(gateCalls == 3)
        #expect(resource.node.withMetrics { $0.blockQps(at: 1_040) } == 2)
    }

    @Test("a thread-grade parameter value is held until its call completes, and let go when a flow rule blocks")
    func threadParameters() {
        let engine = FlowEngine()
        let param = ParamFlowRule(resource: "say", paramIdx: 0, grade: .thread, count: 1)
        let flow = FlowRule(resource: "say", grade: .concurrency, count: 1)
        engine.load(FlowRuleSet(flow: [flow], param: [param]))
        let resource = engine.resource("say")
        guard let first = entry(engine.admit(resource, parameters: ["a"], now: 1_000)) else {
            Issue.record("first call blocked")
            return
        }
        #expect(block(engine.admit(resource, parameters: ["a"], now: 1_001)) == .param(param))
        // "b" passes its parameter rule, then the concurrency rule blocks it: "b" must not stay held.
        #expect(block(engine.admit(resource, parameters: ["b"], now: 1_002)) == .flow(flow))
        engine.complete(first, rtMillis: 2, now: 1_003)
        #expect(entry(engine.admit(resource, parameters: ["b"], now: 1_004)) != nil)
    }

    @Test("a breaker opens on errors, blocks with its retry time, lets one probe through, and closes on its success")
    func breaker() {
        let engine = FlowEngine()
        let rule = DegradeRule(resource: "say", grade: .errorCount, count: 2, timeWindowSec: 5, minRequestAmount: 1)
        engine.load(FlowRuleSet(degrade: [rule]))
        let resource = engine.resource("say")
        for time in [1_000, 1_010, 1_020] as [Int64] {
            guard let call = entry(engine.admit(resource, now: time)) else {
                Issue.record("closed breaker blocked")
                return
            }
            engine.complete(call, rtMillis: 1, failed: true, now: time + 1)
        }
        #expect(block(engine.admit(resource, now: 1_100)) == .degrade(rule, retryAtMillis: 6_021))
        #expect(resource.node.withMetrics { $0.blockQps(at: 1_100) } == 1)
        guard let probe = entry(engine.admit(resource, now: 6_021)) else {
            Issue.record("no probe after the recovery timeout")
            return
        }
        #expect(block(engine.admit(resource, now: 6_022)) != nil)  // one probe at a time
        engine.complete(probe, rtMillis: 1, now: 6_030)
        #expect(entry(engine.admit(resource, now: 6_031)) != nil)
    }

    @Test("a flow rule is checked before the breakers: its block leaves a half-open breaker's probe unused")
    func flowBeforeBreaker() {
        let engine = FlowEngine()
        let flow = FlowRule(resource: "say", count: 0)
        let degrade = DegradeRule(resource: "say", grade: .errorCount, count: 1, timeWindowSec: 1, minRequestAmount: 1)
        engine.load(FlowRuleSet(flow: [flow], degrade: [degrade]))
        #expect(block(engine.admit(engine.resource("say"), now: 1_000)) == .flow(flow))
    }

    @Test("reloading keeps an unchanged breaker's state; invalid rules of every kind are reported")
    func reload() {
        let engine = FlowEngine()
        let rule = DegradeRule(resource: "say", grade: .errorCount, count: 0, timeWindowSec: 5, minRequestAmount: 1)
        engine.load(FlowRuleSet(degrade: [rule]))
        let resource = engine.resource("say")
        if let call = entry(engine.admit(resource, now: 1_000)) { engine.complete(call, rtMillis: 1, failed: true, now: 1_001) }
        let rejected = engine.load(FlowRuleSet(
            flow: [FlowRule(resource: "", count: 1)], degrade: [rule],
            param: [ParamFlowRule(resource: "say", count: 1)]))
        #expect(rejected.map(\.error.field) == ["resource", "paramIdx"])
        #expect(block(engine.admit(resource, now: 1_100)) != nil)
    }
}
