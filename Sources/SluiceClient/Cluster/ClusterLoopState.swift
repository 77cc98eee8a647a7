internal import NIOCore

/// What one event loop knows of its cluster: the endpoint set it was last given, its own `Balancer` and
/// `OutlierDetector`, its latency digest for hedging, and a random generator.
///
/// Outlier ejection is per loop, as Envoy's is per worker: each loop ejects from the failures its own attempts
/// saw, so a dead endpoint is ejected after `consecutive_failures` failures on each loop, and no loop ever
/// waits on another's view. The hedge delay's percentile is likewise this loop's recent latency.
///
/// `@unchecked Sendable`: confined to `eventLoop`; every method runs there (the cluster reaches it by the
/// loop's index and installs new sets with `eventLoop.execute`), so it needs no lock.
final class ClusterLoopState<Wire: ClusterWire>: @unchecked Sendable {
    let eventLoop: any EventLoop
    private(set) var members: ClusterMemberSet<Wire>
    private(set) var balancer: Balancer
    private(set) var detector: OutlierDetector?
    var digest = LatencyDigest()
    var random: SplitMix64
    private var tick: RepeatedTask?
    /// Endpoints the service's health checks hold down: out of the balancer until a check brings them back,
    /// whatever outlier ejection says.
    private var unhealthy: Set<Endpoint> = []

    init(eventLoop: any EventLoop, members: ClusterMemberSet<Wire>, template: Balancer, outlier: OutlierPolicy?) {
        self.eventLoop = eventLoop
        self.members = members
        self.balancer = template.rebuilt(for: members.balancerEndpoints, now: .now(), sharingRingOf: template)
        self.detector = outlier.map { OutlierDetector(policy: $0, endpointCount: members.count) }
        var seed = SystemRandomNumberGenerator()
        self.random = SplitMix64(seed: seed.next())
    }

    /// Starts the outlier interval tick: it restores endpoints whose ejection is over even when no attempt
    /// reports (every endpoint ejected), and runs the failure-ratio check.
    func startTick() {
        guard let interval = detector?.policy.interval, interval > .zero else { return }
        tick = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] _ in
            guard var detector else { return }
            let events = detector.evaluate(now: .now())
            self.detector = detector
            apply(events, now: .now())
        }
    }

    func stopTick() {
        tick?.cancel()
        tick = nil
    }

    /// A new endpoint set: the balancer keeps the state of endpoints that stay (`template` is the same set's
    /// balancer built off the loop, whose hash ring every loop shares), and so does the detector.
    func install(_ next: ClusterMemberSet<Wire>, template: Balancer, now: NIODeadline) {
        let oldIndices = next.oldIndices(in: members)
        balancer = balancer.rebuilt(for: next.balancerEndpoints, now: now, sharingRingOf: template)
        detector = detector?.remapped(oldIndex: oldIndices)
        members = next
        // An endpoint still ejected or held down by health checks stays out of the rebuilt table.
        for index in 0..<next.count where !isUsable(index) {
            balancer.setAvailable(index, false, now: now)
        }
    }

    /// A health check's verdict on `endpoint` (its transitions only).
    func setHealth(_ endpoint: Endpoint, healthy: Bool, now: NIODeadline) {
        if healthy { unhealthy.remove(endpoint) } else { unhealthy.insert(endpoint) }
        guard let index = members.index(of: endpoint) else { return }
        balancer.setAvailable(index, isUsable(index), now: now)
    }

    private func isUsable(_ index: Int) -> Bool {
        !(detector?.isEjected(index) ?? false) && !unhealthy.contains(members.handles[index].endpoint)
    }

    /// The endpoints this loop's outlier detector holds ejected now.
    func ejectedEndpoints() -> [Endpoint] {
        guard let detector else { return [] }
        return (0..<members.count).filter { detector.isEjected($0) }.map { members.handles[$0].endpoint }
    }

    /// The endpoint for the next attempt, nil when none is available.
    func pick(hashKey: UInt64?, excluding tried: TriedEndpoints, now: NIODeadline) -> Int? {
        balancer.pick(hashKey: hashKey, excluding: tried, now: now, rng: &random)
    }

    func started(_ index: Int, kind: AttemptKind) {
        balancer.started(index)
        members.handles[index].attemptStarted(kind)
    }

    /// An attempt on `handle`, started when `members` was current at `index`, ended. Reports to the balancer
    /// and detector under the endpoint's current index (the set may have changed meanwhile; a removed endpoint
    /// is no longer counted).
    func ended(
        _ handle: ClusterEndpoint<Wire>, index: Int, in started: ClusterMemberSet<Wire>, outcome: AttemptOutcome?,
        latency: TimeAmount, now: NIODeadline
    ) {
        handle.attemptEnded(outcome)
        let current: Int?
        if started === members { current = index } else { current = members.index(of: handle.endpoint) }
        guard let current else { return }
        balancer.finished(current, latency: latency, now: now)
        guard let outcome, var detector else { return }
        let events = detector.report(outcome, endpoint: current, now: now)
        self.detector = detector
        if !events.isEmpty { apply(events, now: now) }
    }

    private func apply(_ events: [OutlierEvent], now: NIODeadline) {
        for event in events {
            switch event {
            case .ejected(let index, _): balancer.setAvailable(index, false, now: now)
            case .restored(let index): balancer.setAvailable(index, isUsable(index), now: now)
            }
        }
    }
}

/// A fast non-cryptographic generator for balancer draws and backoff jitter: `SystemRandomNumberGenerator`
/// costs a system call per draw, which a per-attempt pick should not pay.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// Seeded from the system's generator, once.
    public init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
