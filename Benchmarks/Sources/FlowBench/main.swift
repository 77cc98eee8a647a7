// What one admit + complete pair costs the gateway: the engine's hot path with the rules a route typically
// carries, single-threaded and with two threads hammering the same resource (the contended case: one
// resource node and the global inbound node shared by two event loops).
import BenchClock
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import SluiceFlow

nonisolated(unsafe) var sink = 0

/// Runs `pairs` admit + complete pairs; the engine's clock advances 1 ms per 1000 pairs, so windows roll
/// over as they would at a million calls a second.
func run(_ engine: FlowEngine, _ resource: FlowResource, origin: String, parameters: [String?], pairs: Int) -> Int {
    var passed = 0
    var now: Int64 = 1_700_000_000_000
    for index in 0..<pairs {
        if index % 1000 == 0 { now += 1 }
        switch engine.admit(resource, origin: origin, parameters: parameters, now: now) {
        case .pass(let entry), .wait(_, let entry):
            engine.complete(entry, rtMillis: 3, now: now)
            passed += 1
        case .block:
            break
        }
    }
    return passed
}

/// Three flow rules and a system rule; with `allKinds`, also a circuit breaker and a hot-parameter rule on
/// the call's first parameter (a client IP), so every slot runs.
func makeEngine(allKinds: Bool) -> (FlowEngine, FlowResource) {
    let engine = FlowEngine()
    engine.load(
        FlowRuleSet(
            flow: [
                FlowRule(resource: "say", count: 1e12),
                FlowRule(resource: "say", grade: .concurrency, count: 1e9),
                FlowRule(resource: "say", limitApp: "partner-a", count: 1e12),
            ],
            degrade: allKinds ? [DegradeRule(resource: "say", grade: .errorRatio, count: 0.5, timeWindowSec: 5)] : [],
            param: allKinds ? [ParamFlowRule(resource: "say", paramIdx: 0, count: 1e12)] : [],
            system: [SystemRule(qps: 1e12, maxThread: 1_000_000)]))
    return (engine, engine.resource("say"))
}

/// The rules of the end-to-end set-up `sluice-ttheader-demo-rules` (Benchmarks/routes/ttheader-demo-rules), as
/// its route guard enters them: the route (a QPS rule, an error-ratio breaker, a hot-parameter rule on the
/// client IP, a system rule), then the method (a concurrency rule). One pair here is one request's flow control.
func runRoute(pairs: Int) -> (cpu: Double, wall: Double) {
    let engine = FlowEngine()
    let method = engine.resource("echo:EchoService.Say", inbound: false)
    engine.load(
        FlowRuleSet(
            flow: [
                FlowRule(resource: "bench-echo", count: 1e7),
                FlowRule(resource: "echo:EchoService.Say", grade: .concurrency, count: 1e5),
            ],
            degrade: [DegradeRule(resource: "bench-echo", grade: .errorRatio, count: 0.5, timeWindowSec: 5, minRequestAmount: 5)],
            param: [ParamFlowRule(resource: "bench-echo", paramIdx: 0, count: 1e7)],
            system: [SystemRule(qps: 1e7)]))
    let route = engine.resource("bench-echo")
    let routeRules = route.snapshot
    let methodRules = method.snapshot
    let clientIP = "127.0.0.1"
    var now: Int64 = 1_700_000_000_000
    var passed = 0
    let start = nowClocks()
    for index in 0..<pairs {
        if index % 1000 == 0 { now += 1 }
        guard case .pass(let routeEntry) = engine.admit(
            route, rules: routeRules, parameterCount: 1, parameter: { _ in clientIP }, now: now)
        else { continue }
        guard case .pass(let methodEntry) = engine.admit(method, rules: methodRules, entryRoute: "bench-echo", now: now) else {
            engine.abandon(routeEntry, now: now)
            continue
        }
        engine.complete(routeEntry, rtMillis: 3, now: now)
        engine.complete(methodEntry, rtMillis: 3, now: now)
        passed += 1
    }
    let end = nowClocks()
    sink &+= passed
    return (Double(end.cpu - start.cpu) / Double(pairs), Double(end.wall - start.wall) / Double(pairs))
}

let pairs = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 2_000_000 : 2_000_000
let cases: [(label: String, origin: String, allKinds: Bool)] = [
    ("no origin", "", false), ("origin partner-a", "partner-a", false),
    ("every kind (+ breaker, hot parameter)", "", true),
]
// `FlowBench N route` runs only the route case (for profiling).
let routeOnly = CommandLine.arguments.count > 2 && CommandLine.arguments[2] == "route"
for (label, origin, allKinds) in cases where !routeOnly {
    let parameters: [String?] = allKinds ? ["10.1.2.3"] : []
    let (warmEngine, warmResource) = makeEngine(allKinds: allKinds)
    sink &+= run(warmEngine, warmResource, origin: origin, parameters: parameters, pairs: pairs / 10)

    let (engine, resource) = makeEngine(allKinds: allKinds)
    let start = nowClocks()
    sink &+= run(engine, resource, origin: origin, parameters: parameters, pairs: pairs)
    let end = nowClocks()
    let singleWall = Double(end.wall - start.wall) / Double(pairs)
    let singleCPU = Double(end.cpu - start.cpu) / Double(pairs)

    let (shared, sharedResource) = makeEngine(allKinds: allKinds)
    let contendedStart = nowClocks()
    DispatchQueue.concurrentPerform(iterations: 2) { _ in
        _ = run(shared, sharedResource, origin: origin, parameters: parameters, pairs: pairs)
    }
    let contendedEnd = nowClocks()
    let contendedWall = Double(contendedEnd.wall - contendedStart.wall) / Double(2 * pairs)
    let contendedCPU = Double(contendedEnd.cpu - contendedStart.cpu) / Double(2 * pairs)
    print(
        "FlowBench \(label): single thread \(Int(singleCPU)) ns CPU/pair (\(Int(singleWall)) wall); "
            + "two threads on one resource \(Int(contendedCPU)) ns CPU/pair (\(Int(contendedWall)) wall per pair)")
}
_ = runRoute(pairs: pairs / 10)
let route = runRoute(pairs: pairs)
print("FlowBench the e2e set-up's route (route: QPS, breaker, hot parameter, system; method: concurrency): "
    + "single thread \(Int(route.cpu)) ns CPU per request (\(Int(route.wall)) wall)")
if sink == 42 { print(sink) }
