import Synchronization

/// The facade the gateway calls: per-resource statistics and rules, checked in Sentinel's slot order (system,
/// then flow rules) and recorded as Sentinel's `StatisticSlot` does (pass or block on the resource, its origin,
/// its entry route and, for inbound calls, the global inbound node). Safe from several event loops at once;
/// nothing blocks but short per-node locks.
public final class FlowEngine: Sendable {
    /// All inbound traffic (Sentinel's `__total_inbound_traffic__`), what system rules read.
    public let inbound = StatisticNode()
    private let status: any SystemStatusProvider
    private let maxOriginsPerResource: Int
    let resources: Mutex<[String: FlowResource]> = Mutex([:])
    let systemThresholds: Mutex<SystemThresholds> = Mutex(SystemThresholds())
    /// The set last loaded, so loading only flow and system rules keeps the others.
    let loaded: Mutex<FlowRuleSet> = Mutex(FlowRuleSet())

    public init(systemStatus: any SystemStatusProvider = FixedSystemStatus(), maxOriginsPerResource: Int = 1024) {
        self.status = systemStatus
        self.maxOriginsPerResource = maxOriginsPerResource
    }

    /// The resource named `name`, created on first use. `inbound` is fixed by the first call (a RELATE rule's
    /// `refResource` is created inbound when no call made it first: create outbound resources before loading).
    public func resource(_ name: String, inbound: Bool = true) -> FlowResource {
        let (resource, created) = resources.withLock { table -> (FlowResource, Bool) in
            if let existing = table[name] { return (existing, false) }
            let resource = FlowResource(name: name, isInbound: inbound, maxOrigins: maxOriginsPerResource)
            table[name] = resource
            return (resource, true)
        }
        if created, inbound {
            let system = systemThresholds.withLock { $0 }
            if !system.isEmpty { resource.rules.withLock { $0 = $0.with(system: system) } }
        }
        return resource
    }

    /// Every resource a call or a rule has named, by name.
    public var allResources: [FlowResource] {
        resources.withLock { Array($0.values) }.sorted { $0.name < $1.name }
    }

    // MARK: calls

    public func admit(
        resource name: String, origin: String = "", entryRoute: String = "", prioritized: Bool = false, now: Int64
    ) -> Admission {
        admit(resource(name), origin: origin, entryRoute: entryRoute, prioritized: prioritized, now: now)
    }

    /// Checks a call whose parameters are `parameters` (see the other overload).
    public func admit<Parameters: FlowParameters>(
        _ resource: FlowResource, origin: String = "", entryRoute: String = "", parameters: Parameters,
        prioritized: Bool = false, now: Int64
    ) -> Admission {
        admit(
            resource, origin: origin, entryRoute: entryRoute, parameterCount: parameters.count,
            parameter: { parameters.value(at: $0) }, prioritized: prioritized, now: now)
    }

    /// Checks one call in Sentinel's slot order: system rules, hot-parameter rules (reading `parameters`),
    /// flow rules, circuit breakers; then records it as passed on its nodes. Waits of pacing rules add up,
    /// each rule checked at the time the previous waits bring the call to (Sentinel sleeps between them). A
    /// `prioritized` call a QPS reject rule would block may instead book a pass in a window starting within
    /// 500 ms and wait for it (Sentinel's `entryWithPriority`); as in Sentinel, the rules after that one, and
    /// the breakers, are not checked.
    ///
    /// A resource with a concurrency rule admits one call at a time, so a check and the pass it records are
    /// one step: two event loops cannot both see the last free slot (Sentinel reads and records in two steps
    /// and can let a limit of 4 run 5 calls). The lock is taken alone, never inside another. QPS rules keep
    /// Sentinel's two steps: at worst a call or two past the count when loops admit at the same instant.
    ///
    /// The call's parameters are read through `parameter` (by index, below `parameterCount`), only when a
    /// hot-parameter rule asks; a closure rather than a generic, so the caller's module runs this specialized.
    ///
    /// `gate` is the caller's own check in Sentinel's `GatewayFlowSlot` place, after the system rules and
    /// before the hot-parameter ones (the gateway's rules, which it keeps); it is asked once, at the time of
    /// the call, and its block is recorded and answered as ``FlowBlock/gateway``.
    public func admit(
        _ resource: FlowResource, origin: String = "", entryRoute: String = "", parameterCount: Int = 0,
        parameter: (Int) -> String? = { _ in nil }, gate: (Int64) -> FlowDecision = { _ in .pass }, prioritized: Bool = false,
        now: Int64
    ) -> Admission {
        admit(
            resource, rules: resource.snapshot, origin: origin, entryRoute: entryRoute, parameterCount: parameterCount,
            parameter: parameter, gate: gate, prioritized: prioritized, now: now)
    }

    /// Checks a call against `rules`, a snapshot of the resource's rules the caller took after the last load
    /// (``FlowResource/snapshot``); otherwise as the overload without it.
    public func admit(
        _ resource: FlowResource, rules: ResourceRules, origin: String = "", entryRoute: String = "",
        parameterCount: Int = 0, parameter: (Int) -> String? = { _ in nil }, gate: (Int64) -> FlowDecision = { _ in .pass },
        prioritized: Bool = false, now: Int64
    ) -> Admission {
        if !rules.countsInFlight {
            return admit(
                resource, rules, origin: origin, entryRoute: entryRoute, parameterCount: parameterCount, parameter: parameter,
                gate: gate, prioritized: prioritized, now: now)
        }
        return resource.admission.withLock { _ in
            admit(
                resource, rules, origin: origin, entryRoute: entryRoute, parameterCount: parameterCount, parameter: parameter,
                gate: gate, prioritized: prioritized, now: now)
        }
    }

    private func admit(
        _ resource: FlowResource, _ rules: ResourceRules, origin: String, entryRoute: String, parameterCount: Int,
        parameter: (Int) -> String?, gate: (Int64) -> FlowDecision, prioritized: Bool, now: Int64
    ) -> Admission {
        let originNamed = !origin.isEmpty && rules.namedOrigins.contains(origin)
        let originNode = origin.isEmpty ? nil : resource.originNode(origin, named: originNamed)
        let routeNode = rules.entryRoutes.isEmpty ? nil : rules.entryRoutes[entryRoute]
        func blocked(_ block: FlowBlock, releasing held: [HeldParam]) -> Admission {
            HeldParam.release(held)
            recordBlock(resource, originNode, routeNode, now: now)
            return .block(block)
        }

        if let system = rules.system {
            let reading = inbound.withMetrics { $0.inboundReading(at: now) }
            if let reason = system.check(reading, status: status) { return blocked(.system(reason), releasing: []) }
        }

        var waited: Int64 = 0
        switch gate(now) {
        case .pass: break
        case .wait(let millis): waited = millis
        case .block: return blocked(.gateway, releasing: [])
        }
        var held: [HeldParam] = []
        for param in rules.params {
            guard let index = param.rule.paramIdx else { continue }
            let real = ParamFlowRule.realParamIdx(index, argumentCount: parameterCount)
            guard real < parameterCount else { continue }  // past the arguments: passes, as in Sentinel
            let value = parameter(real)
            switch param.check(value: value, now: now + waited) {
            case .pass:
                if param.rule.grade == .thread, let value { held.append(HeldParam(controller: param, value: value)) }
            case .wait(let millis):
                waited += millis
            case .block:
                return blocked(.param(param.rule), releasing: held)
            }
        }

        for check in rules.checks {
            let selected: StatisticNode?
            if check.readsResourceNode {
                selected = resource.node
            } else {
                switch FlowNodeSelection.select(
                    for: check.rule, origin: origin, entryRoute: entryRoute,
                    originNamedByRule: originNamed)
                {
                case .resource: selected = resource.node
                case .origin: selected = originNode
                case .related: selected = check.related
                case .entryRoute: selected = routeNode
                case .skip: selected = nil
                }
            }
            guard let selected else { continue }
            let at = now + waited
            let fields = check.reads
            let reading = fields == .none ? NodeReading() : selected.withMetrics { $0.reading(at: at, fields: fields) }
            switch check.check(reading, now: at) {
            case .pass: continue
            case .wait(let ms): waited += ms
            case .block:
                if prioritized, check.occupiable, let wait = Self.occupy(selected, threshold: check.count, now: at) {
                    resource.node.withMetrics { $0.recordWaitingEntry() }
                    routeNode?.withMetrics { $0.recordWaitingEntry() }
                    originNode?.withMetrics { $0.recordWaitingEntry() }
                    if resource.isInbound { inbound.withMetrics { $0.recordWaitingEntry() } }
                    let entry = FlowEntry(resource: resource, origin: originNode, entryRoute: routeNode, breakers: [], probes: CircuitBreakerProbes(), heldParams: held)
                    return .wait(waited + wait, entry)
                }
                return blocked(.flow(check.rule), releasing: held)
            }
        }

        var probes = CircuitBreakerProbes()
        if !rules.breakers.isEmpty {
            let (admission, probed, blocker) = rules.breakers.tryPass(now: now + waited)
            if case .blocked(let retryAt) = admission, let blocker {
                return blocked(.degrade(rules.breakers[blocker].rule, retryAtMillis: retryAt), releasing: held)
            }
            probes = probed
        }

        resource.node.recordPass(now: now)
        routeNode?.recordPass(now: now)
        originNode?.recordPass(now: now)
        if resource.isInbound { inbound.recordPass(now: now) }
        let entry = FlowEntry(
            resource: resource, origin: originNode, entryRoute: routeNode, breakers: rules.breakers, probes: probes, heldParams: held)
        return waited > 0 ? .wait(waited, entry) : .pass(entry)
    }

    /// Records the end of an admitted call: its RT, and whether it failed (an exception in Sentinel's terms).
    /// The breakers it was admitted under count it, and thread-grade parameter rules let go of its values.
    public func complete(_ entry: FlowEntry, rtMillis: Int64, failed: Bool = false, now: Int64) {
        recordExit(entry, rtMillis: rtMillis, failed: failed, now: now)
        if !entry.breakers.isEmpty { entry.breakers.onComplete(rtMillis: rtMillis, error: failed, now: now) }
        if !entry.heldParams.isEmpty { HeldParam.release(entry.heldParams) }
    }

    /// Ends an admitted call that never ran because a later entry of the same request was blocked: its
    /// nodes see it exit as Sentinel's `Entry.exit` does (a success with no RT), but its breakers do not count
    /// it, and a probe it held goes back to open, so a call that never ran cannot close a breaker.
    public func abandon(_ entry: FlowEntry, now: Int64) {
        recordExit(entry, rtMillis: 0, failed: false, now: now)
        if !entry.probes.isEmpty { entry.breakers.probeBlocked(entry.probes) }
        if !entry.heldParams.isEmpty { HeldParam.release(entry.heldParams) }
    }

    private func recordExit(_ entry: FlowEntry, rtMillis: Int64, failed: Bool, now: Int64) {
        entry.resource.node.recordCompletion(rtMillis: rtMillis, failed: failed, now: now)
        entry.entryRoute?.recordCompletion(rtMillis: rtMillis, failed: failed, now: now)
        entry.origin?.recordCompletion(rtMillis: rtMillis, failed: failed, now: now)
        if entry.resource.isInbound { inbound.recordCompletion(rtMillis: rtMillis, failed: failed, now: now) }
    }

    /// Books a pass in the first future window with room, if one starts soon enough; returns the wait.
    private static func occupy(_ node: StatisticNode, threshold: Double, now: Int64) -> Int64? {
        node.withMetrics { metrics in
            let wait = metrics.tryOccupyNext(at: now, count: 1, threshold: threshold)
            guard wait < NodeMetrics.occupyTimeoutMillis else { return nil }
            metrics.bookOccupiedPass(waitMillis: wait, now: now)
            return wait
        }
    }

    private func recordBlock(_ resource: FlowResource, _ origin: StatisticNode?, _ route: StatisticNode?, now: Int64) {
        resource.node.recordBlock(now: now)
        route?.recordBlock(now: now)
        origin?.recordBlock(now: now)
        if resource.isInbound { inbound.recordBlock(now: now) }
    }
}
