import Testing
@testable import SluiceFlow

/// Sentinel's `FlowPartialIntegrationTest` (reference §7.1) through the facade, with the clock passed in.
@Suite("FlowEngine")
struct FlowEngineTests {
    private func passed(_ admission: Admission) -> FlowEntry? {
        if case .pass(let entry) = admission { return entry }
        return nil
    }

    private func blockedBy(_ admission: Admission) -> FlowBlock? {
        if case .block(let block) = admission { return block }
        return nil
    }

    @Test("QPS count 1: the first call passes, the second is blocked and counted as block")
    func qpsGrade() {
        let engine = FlowEngine()
        let rule = FlowRule(resource: "say", count: 1)
        engine.load(flowRules: [rule])
        #expect(passed(engine.admit(resource: "say", now: 1_000)) != nil)
        #expect(blockedBy(engine.admit(resource: "say", now: 1_001)) == .flow(rule))
        let node = engine.resource("say").node
        #expect(node.withMetrics { $0.blockQps(at: 1_002) } == 1)
        #expect(node.withMetrics { $0.exceptionQps(at: 1_002) } == 0)
        #expect(engine.inbound.withMetrics { $0.totalRequest(at: 1_002) } == 2)
    }

    @Test("concurrency count 1: a second call in flight is blocked until the first completes")
    func threadGrade() {
        let engine = FlowEngine()
        engine.load(flowRules: [FlowRule(resource: "say", grade: .concurrency, count: 1)])
        guard let first = passed(engine.admit(resource: "say", now: 1_000)) else {
            Issue.record("first call blocked")
            return
        }
        #expect(blockedBy(engine.admit(resource: "say", now: 1_001)) != nil)
        engine.complete(first, rtMillis: 5, now: 1_005)
        #expect(passed(engine.admit(resource: "say", now: 1_006)) != nil)
    }

    @Test("\"other\" count 0 blocks unnamed origins; a named origin has its own limit; no origin passes")
    func origins() {
        let engine = FlowEngine()
        engine.load(flowRules: [
            FlowRule(resource: "say", limitApp: "other", count: 0),
            FlowRule(resource: "say", limitApp: "app2", count: 1),
        ])
        #expect(blockedBy(engine.admit(resource: "say", origin: "app1", now: 1_000)) != nil)
        #expect(passed(engine.admit(resource: "say", origin: "app2", now: 1_000)) != nil)
        #expect(blockedBy(engine.admit(resource: "say", origin: "app2", now: 1_000)) != nil)
        #expect(passed(engine.admit(resource: "say", origin: "", now: 1_000)) != nil)
    }

    @Test("CHAIN: the rule holds calls entered through its route only")
    func chain() {
        let engine = FlowEngine()
        engine.load(flowRules: [FlowRule(resource: "echo:Say", count: 0, strategy: .chain, refResource: "entry1")])
        #expect(blockedBy(engine.admit(resource: "echo:Say", entryRoute: "entry1", now: 1_000)) != nil)
        #expect(passed(engine.admit(resource: "echo:Say", entryRoute: "entry3", now: 1_000)) != nil)
    }

    @Test("RELATE: the rule reads the related resource's passes")
    func relate() {
        let engine = FlowEngine()
        engine.load(flowRules: [FlowRule(resource: "read", count: 1, strategy: .relate, refResource: "write")])
        #expect(passed(engine.admit(resource: "read", now: 1_000)) != nil)
        #expect(passed(engine.admit(resource: "read", now: 1_000)) != nil)
        _ = engine.admit(resource: "write", now: 1_000)
        #expect(blockedBy(engine.admit(resource: "read", now: 1_000)) != nil)
    }

    @Test("throttling answers a wait; system rules hold inbound calls only")
    func throttleAndSystem() {
        let engine = FlowEngine()
        engine.load(
            flowRules: [FlowRule(resource: "say", count: 10, behavior: .throttle, maxQueueingTimeMs: 500)],
            systemRules: [SystemRule(qps: 3)])
        #expect(passed(engine.admit(resource: "say", now: 10_000)) != nil)
        guard case .wait(100, _) = engine.admit(resource: "say", now: 10_000) else {
            Issue.record("no wait")
            return
        }
        _ = engine.admit(resource: "say", now: 10_000)
        #expect(blockedBy(engine.admit(resource: "say", now: 10_000)) == .system(.qps))
        let outbound = engine.resource("backend", inbound: false)
        #expect(passed(engine.admit(outbound, now: 10_000)) != nil)
    }

    @Test("invalid rules are dropped alone with their reason; unchanged rules keep their state on reload")
    func loading() {
        let engine = FlowEngine()
        let pacing = FlowRule(resource: "say", count: 10, behavior: .throttle)
        let rejected = engine.load(flowRules: [pacing, FlowRule(resource: "", count: 1), FlowRule(resource: "x", count: -2)])
        #expect(rejected.map(\.index) == [1, 2])
        #expect(rejected.map(\.error.field) == ["resource", "count"])
        #expect(passed(engine.admit(resource: "say", now: 10_000)) != nil)
        engine.load(flowRules: [pacing, FlowRule(resource: "other", count: 5)])
        guard case .wait(100, _) = engine.admit(resource: "say", now: 10_000) else {
            Issue.record("pacing state lost on reload")
            return
        }
    }

    @Test("origins past the bound share one node, so \"other\" still holds them")
    func boundedOrigins() {
        let engine = FlowEngine(maxOriginsPerResource: 2)
        engine.load(flowRules: [FlowRule(resource: "say", limitApp: "other", count: 1)])
        #expect(passed(engine.admit(resource: "say", origin: "a", now: 1_000)) != nil)
        #expect(passed(engine.admit(resource: "say", origin: "b", now: 1_000)) != nil)
        #expect(passed(engine.admit(resource: "say", origin: "c", now: 1_000)) != nil)
        #expect(blockedBy(engine.admit(resource: "say", origin: "d", now: 1_000)) != nil)
        #expect(engine.resource("say").existingOriginNode("c") == nil)
    }

    @Test("a prioritized call over a QPS limit books the next window with room and waits for it")
    func prioritized() {
        let engine = FlowEngine()
        engine.load(flowRules: [FlowRule(resource: "say", count: 10)])
        for _ in 0..<10 { _ = engine.admit(resource: "say", now: 100) }
        #expect(blockedBy(engine.admit(resource: "say", now: 600)) != nil)
        guard case .wait(400, let entry) = engine.admit(resource: "say", prioritized: true, now: 600) else {
            Issue.record("no booked wait")
            return
        }
        let node = engine.resource("say").node
        #expect(node.withMetrics { $0.inFlight } == 11)
        #expect(node.withMetrics { $0.passQps(at: 1_000) } == 1)  // the booked pass lands in its window
        engine.complete(entry, rtMillis: 400, now: 1_000)
        #expect(node.withMetrics { $0.inFlight } == 10)
    }

    @Test("two threads admitting and completing on one resource: every pass and completion is counted")
    func concurrent() async {
        let engine = FlowEngine()
        engine.load(flowRules: [FlowRule(resource: "say", grade: .concurrency, count: 1_000)], systemRules: [SystemRule(maxThread: 1_000)])
        let resource = engine.resource("say")
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    var passed = 0
                    for step in 0..<5_000 {
                        let now = 1_000_000 + Int64(step / 100)
                        if case .pass(let entry) = engine.admit(resource, origin: "app", now: now) {
                            engine.complete(entry, rtMillis: 1, now: now)
                            passed += 1
                        }
                    }
                    return passed
                }
            }
            var total = 0
            for await passed in group { total += passed }
            #expect(total == 10_000)
        }
        #expect(resource.node.withMetrics { $0.inFlight } == 0)
        #expect(engine.inbound.withMetrics { $0.inFlight } == 0)
        #expect(resource.node.withMetrics { $0.totalSuccess(at: 1_000_050) } == 10_000)
        #expect(resource.existingOriginNode("app")?.withMetrics { $0.totalRequest(at: 1_000_050) } == 10_000)
    }

    @Test("a concurrency limit holds when several threads admit at once: no pass ever sees more in flight than the count")
    func concurrencyLimitUnderContention() async {
        let engine = FlowEngine()
        engine.load(flowRules: [FlowRule(resource: "say", grade: .concurrency, count: 1)])
        let resource = engine.resource("say")
        let most = await withTaskGroup(of: Int64.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var most: Int64 = 0
                    for _ in 0..<50_000 {
                        guard case .pass(let entry) = engine.admit(resource, now: 1_000_000) else { continue }
                        // Hold the call a moment, as a backend would, so another thread's admit overlaps it.
                        for _ in 0..<3 { most = max(most, resource.node.withMetrics { $0.inFlight }) }
                        engine.complete(entry, rtMillis: 1, now: 1_000_000)
                    }
                    return most
                }
            }
            var most: Int64 = 0
            for await seen in group { most = max(most, seen) }
            return most
        }
        #expect(most <= 1)
    }
}
