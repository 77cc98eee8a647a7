internal import Logging
internal import NIOCore
internal import Synchronization

/// A service's endpoints as a cluster: one transport per endpoint, each event loop's own balancer and outlier
/// detector over them, and calls made of attempts with retries, a budget, hedging and deadline propagation
/// (``ClusterCall``). What a ``ThriftClient`` or ``GRPCClient`` with a ``ClusterConfiguration`` sends through;
/// `Wire` says which protocol carries the attempts (``ClusterWire``).
///
/// The endpoint set changes off the request path (a discovery source's task): the new set is built under a
/// lock here, then handed to each loop with `eventLoop.execute`, where that loop rebuilds its balancer and
/// detector. Each loop must rebuild its own balancer anyway (their counts are per loop), so handing the set
/// over as a task needs no lock and no atomic on the call path, and a pick never races a rebuild. Removed
/// endpoints' transports shut down once their attempts in flight have ended (``ClusterEndpoint``).
final class EndpointCluster<Wire: ClusterWire>: Sendable {
    struct Membership {
        var members: ClusterMemberSet<Wire>
        /// Removed endpoints still draining.
        var draining: [ObjectIdentifier: ClusterEndpoint<Wire>] = [:]
        var isShutdown = false
    }

    let serviceName: String
    let configuration: ClusterConfiguration
    /// The service's one budget, shared by every loop and route.
    let budget: RetryBudget
    private let states: [ClusterLoopState<Wire>]
    private let choice: ShardChoice
    private let membership: MembershipLock<Wire>
    private let makeTransport: @Sendable (Endpoint) -> Wire.Transport
    private let source: (any EndpointSource)?
    /// Active health checks (`health_check`), one checker for the service on its first loop.
    private let health: HealthChecker?
    private let logger: Logger

    /// - Parameters:
    ///   - source: where endpoints come from; nil serves `configuration.endpoints` only.
    ///   - healthProbe: what a health check asks an endpoint, when `configuration.healthCheck` is set.
    ///   - makeTransport: the transport to one endpoint.
    init(
        serviceName: String, configuration: ClusterConfiguration, source: (any EndpointSource)?,
        healthProbe: HealthProbe? = nil, group: any EventLoopGroup, logger: Logger,
        makeTransport: @escaping @Sendable (Endpoint) -> Wire.Transport
    ) {
        self.serviceName = serviceName
        self.configuration = configuration
        self.budget = RetryBudget(configuration.retry?.budget ?? RetryBudget.Configuration())
        self.makeTransport = makeTransport
        self.source = source
        self.logger = logger
        var loops = Array(group.makeIterator())
        if loops.isEmpty { loops = [group.next()] }
        self.choice = ShardChoice(loops: loops, shards: loops.count)
        let membership = MembershipLock<Wire>()
        self.membership = membership
        let initial = ClusterMemberSet<Wire>.empty.next(configuration.endpoints) { endpoint in
            Self.handle(endpoint, makeTransport, membership)
        }.members
        membership.state.withLock { $0.members = initial }
        let template = Balancer(configuration: configuration.balancer, endpoints: initial.balancerEndpoints)
        self.states = loops.map {
            ClusterLoopState(eventLoop: $0, members: initial, template: template, outlier: configuration.outlier)
        }
        for state in states { state.eventLoop.execute { state.startTick() } }
        if let policy = configuration.healthCheck, let healthProbe {
            let states = self.states
            health = HealthChecker(policy: policy, probe: healthProbe, eventLoop: loops[0], logger: logger) { endpoint, healthy in
                let now = NIODeadline.now()
                for state in states { state.eventLoop.execute { state.setHealth(endpoint, healthy: healthy, now: now) } }
            }
        } else {
            health = nil
        }
        for handle in initial.handles { health?.add(handle.endpoint) }
        source?.start { [weak self] endpoints in self?.update(endpoints) }
    }

    private static func handle(
        _ endpoint: Endpoint, _ makeTransport: (Endpoint) -> Wire.Transport, _ membership: MembershipLock<Wire>
    ) -> ClusterEndpoint<Wire> {
        ClusterEndpoint(endpoint: endpoint, transport: makeTransport(endpoint)) { drained in
            _ = membership.state.withLock { $0.draining.removeValue(forKey: ObjectIdentifier(drained)) }
        }
    }

    func send(_ call: Wire.Call, policy: CallPolicyOverride?, hashKey: UInt64?, promise: EventLoopPromise<Wire.Reply>) {
        let state = states[choice.index(for: promise.futureResult.eventLoop)]
        if state.eventLoop.inEventLoop {
            let now = NIODeadline.now()
            ClusterCall(state: state, cluster: self, call: call, policy: policy, hashKey: hashKey, promise: promise, now: now)
                .start(now: now)
        } else {
            state.eventLoop.execute {
                let now = NIODeadline.now()
                ClusterCall(state: state, cluster: self, call: call, policy: policy, hashKey: hashKey, promise: promise, now: now)
                    .start(now: now)
            }
        }
    }

    /// Installs a new endpoint set (a discovery delivery): new endpoints get transports, removed ones drain.
    func update(_ endpoints: [WeightedEndpoint]) {
        let makeTransport = self.makeTransport
        let membership = self.membership
        let change = membership.state.withLock { state -> (ClusterMemberSet<Wire>, EndpointSetDiff, [ClusterEndpoint<Wire>])? in
            guard !state.isShutdown else { return nil }
            let (next, diff, retired) = state.members.next(endpoints) { Self.handle($0, makeTransport, membership) }
            guard !diff.isEmpty else { return nil }
            state.members = next
            for handle in retired { state.draining[ObjectIdentifier(handle)] = handle }
            return (next, diff, retired)
        }
        guard let change else { return }
        let (next, diff, retired) = change
        logger.info(
            "endpoints changed",
            metadata: [
                "added": "\(diff.added.map(\.description))", "removed": "\(diff.removed.map(\.description))",
                "reweighted": "\(diff.reweighted.map(\.description))",
            ])
        let template = Balancer(configuration: configuration.balancer, endpoints: next.balancerEndpoints)
        let now = NIODeadline.now()
        for state in states {
            state.eventLoop.execute { state.install(next, template: template, now: now) }
        }
        // After the loops have the new set queued: a loop picks a removed endpoint only until it runs that task,
        // and an attempt it starts meanwhile is counted, so the drain waits for it (or fails it unsent).
        for handle in retired { handle.retire() }
        for endpoint in diff.removed { health?.remove(endpoint) }
        for added in diff.added { health?.add(added.endpoint) }
    }

    /// The failure for a call that found no endpoint to send to: names the service and why.
    func unavailableError(_ members: ClusterMemberSet<Wire>) -> ClientError {
        let why =
            members.count == 0
            ? (source == nil ? "it has no endpoints" : "discovery has delivered no endpoints")
            : "all \(members.count) endpoints are ejected or unavailable"
        return ClientError(.noEndpoints, "service \(serviceName): \(why)", reason: why, requestWritten: false)
    }

    /// Every endpoint of the current set and those still draining, with health, ejection and load. Asks each
    /// loop for its detector's view, off the request path.
    func statuses() async -> [EndpointStatus] {
        let (members, draining) = membership.state.withLock { ($0.members, Array($0.draining.values)) }
        let health = try? await health?.statuses().get()
        var ejected: [Endpoint: Int] = [:]
        for state in states {
            let out = (try? await state.eventLoop.submit { state.ejectedEndpoints() }.get()) ?? []
            for endpoint in out { ejected[endpoint, default: 0] += 1 }
        }
        let loops = states.count
        let current = zip(members.endpoints, members.handles).map { entry, handle in
            EndpointStatus(
                endpoint: entry.endpoint, weight: entry.weight, inFlight: handle.inFlight,
                healthy: health.map { $0[entry.endpoint]?.isHealthy ?? true }, ejectedOn: ejected[entry.endpoint] ?? 0,
                loops: loops, counts: handle.counts, connections: Wire.connections(of: handle.transport))
        }
        let leaving = draining.map { handle in
            EndpointStatus(
                endpoint: handle.endpoint, weight: 0, inFlight: handle.inFlight, healthy: nil, ejectedOn: 0, loops: loops,
                draining: true, counts: handle.counts, connections: Wire.connections(of: handle.transport))
        }
        return current + leaving.sorted { WeightedEndpoint.precedes($0.endpoint, $1.endpoint) }
    }

    /// Endpoints removed but still draining, for tests.
    var drainingCount: Int { membership.state.withLock { $0.draining.count } }

    /// The current set's handles, for tests.
    var currentHandles: [ClusterEndpoint<Wire>] { membership.state.withLock { $0.members.handles } }

    func shutdown() async {
        await source?.stop()
        try? await health?.stop().get()
        let handles = membership.state.withLock { state in
            state.isShutdown = true
            return state.members.handles + Array(state.draining.values)
        }
        for state in states {
            try? await state.eventLoop.submit { state.stopTick() }.get()
        }
        for handle in handles { await handle.shutdown() }
    }
}

extension EndpointCluster: ThriftCallTransport where Wire == ThriftWire {
    func send(_ call: OutboundCall, promise: EventLoopPromise<ThriftReply>) {
        send(call, policy: nil, hashKey: nil, promise: promise)
    }
}

/// The cluster's membership under a lock that discovery deliveries, drains and shutdown take, never a call.
/// A class so the drain callbacks of handles made before the cluster exists can reach it.
final class MembershipLock<Wire: ClusterWire>: Sendable {
    let state = Mutex(EndpointCluster<Wire>.Membership(members: .empty))
}
