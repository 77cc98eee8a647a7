// Hand-written: no well-kept Swift package offers load balancers as plain values; grpc-swift's pick-first and
// round-robin are bound to its own subchannels and have no weights, least-request, EWMA or hashing.
public import NIOCore

/// Endpoint choice for one service on one event loop: the endpoint table plus the chosen algorithm's state,
/// a value with no lock. The cluster keeps one per loop and tells it what happens (`started`, `finished`,
/// `setAvailable`); each loop's counts are its own, so p2c and EWMA see the load this loop put on an
/// endpoint, not the whole process's. Nothing is shared between loops except the immutable `HashRing`.
public struct Balancer: Sendable {
    public private(set) var table: EndpointTable
    private var state: State
    public let configuration: BalancerConfiguration

    /// The algorithm's state; an enum over concrete values so the hot path makes no dynamic call.
    enum State: Sendable {
        case roundRobin(RoundRobinState)
        case weightedRoundRobin(SmoothWeightedRoundRobinState)
        case p2c
        case ewma
        case consistentHash(HashRing)
        case random
        /// Held only while a pick mutates a payload, so the payload's array is not copied on write.
        case modifying
    }

    /// The initial endpoint set: nothing warms up (a new service starts at full strength, as in Envoy).
    /// `sharingRingOf`: another loop's balancer for the same endpoints, whose hash ring this one reuses.
    public init(
        configuration: BalancerConfiguration, endpoints: [BalancerEndpoint], sharingRingOf other: Balancer? = nil
    ) {
        self.configuration = configuration
        self.table = EndpointTable(endpoints, slowStart: configuration.slowStart)
        self.state = Self.initialState(configuration, table, sharing: other)
    }

    private init(configuration: BalancerConfiguration, table: EndpointTable, state: State) {
        self.configuration = configuration
        self.table = table
        self.state = state
    }

    private static func initialState(
        _ configuration: BalancerConfiguration, _ table: EndpointTable, sharing other: Balancer?
    ) -> State {
        switch configuration.kind {
        case .roundRobin: .roundRobin(RoundRobinState())
        case .weightedRoundRobin: .weightedRoundRobin(SmoothWeightedRoundRobinState(count: table.count))
        case .p2c: .p2c
        case .ewma: .ewma
        case .consistentHash: .consistentHash(ring(for: table, configuration, sharing: other))
        case .random: .random
        }
    }

    /// The other balancer's ring when it was built from the same endpoints and weights, else a new one.
    private static func ring(
        for table: EndpointTable, _ configuration: BalancerConfiguration, sharing other: Balancer?
    ) -> HashRing {
        if case .consistentHash(let ring) = other?.state, ring.pointsPerWeight == configuration.ringPointsPerWeight,
            ring.members.count == table.count,
            zip(ring.members, table.entries).allSatisfy({ $0.endpoint == $1.endpoint && $0.weight == $1.weight })
        {
            return ring
        }
        return HashRing(table, pointsPerWeight: configuration.ringPointsPerWeight)
    }

    /// The hash ring, for tests and for sharing; nil unless this is a consistent-hash balancer.
    var hashRing: HashRing? {
        if case .consistentHash(let ring) = state { return ring }
        return nil
    }

    /// The endpoint for an attempt. `tried` holds the endpoints this call already used: another one is chosen
    /// when one is available, else any available one. `hashKey` matters to `consistentHash` only (without one
    /// it draws by weight). Nil only when no endpoint is available with a positive weight.
    public mutating func pick<R: RandomNumberGenerator>(
        hashKey: UInt64? = nil, excluding tried: TriedEndpoints = .none, now: NIODeadline, rng: inout R
    ) -> Int? {
        guard table.choosable > 0 else { return nil }
        // One generic call; the rest of the pick is concrete code even when the caller is in another module.
        var draws = RandomDraws(seed: rng.next())
        if let index = pickOnce(hashKey: hashKey, excluding: tried, now: now, draws: &draws) { return index }
        guard !tried.isEmpty else { return nil }
        return pickOnce(hashKey: hashKey, excluding: .none, now: now, draws: &draws)
    }

    private mutating func pickOnce(
        hashKey: UInt64?, excluding tried: TriedEndpoints, now: NIODeadline, draws: inout RandomDraws
    ) -> Int? {
        switch state {
        case .roundRobin(var rotation):
            state = .modifying
            defer { state = .roundRobin(rotation) }
            return rotation.pick(in: table, excluding: tried, draws: &draws)
        case .weightedRoundRobin(var smooth):
            state = .modifying
            defer { state = .weightedRoundRobin(smooth) }
            return smooth.pick(in: table, excluding: tried, now: now)
        case .p2c:
            return TwoChoices.leastRequest(in: table, excluding: tried, now: now, draws: &draws)
        case .ewma:
            return TwoChoices.peakEWMA(
                in: table, excluding: tried, now: now, decay: configuration.ewmaDecay, draws: &draws)
        case .consistentHash(let ring):
            guard let hashKey else { return table.sample(excluding: tried, now: now, draws: &draws) }
            return ring.owner(of: hashKey, in: table, excluding: tried)
        case .random:
            return table.sample(excluding: tried, now: now, draws: &draws)
        case .modifying:
            preconditionFailure("Balancer state left in .modifying")
        }
    }

    /// An attempt was sent to `index`.
    public mutating func started(_ index: Int) {
        table.started(index)
    }

    /// The attempt to `index` ended (answer, failure or cancellation); `latency` feeds the EWMA, which only
    /// the `ewma` balancer reads, so the others skip it.
    public mutating func finished(_ index: Int, latency: TimeAmount, now: NIODeadline) {
        table.finished(index)
        if configuration.kind == .ewma {
            table.observe(index, latency: latency, now: now, decay: configuration.ewmaDecay)
        }
    }

    /// Set by the cluster from outlier ejection and health checks; an endpoint that comes back warms up again.
    public mutating func setAvailable(_ index: Int, _ available: Bool, now: NIODeadline) {
        table.setAvailable(index, available, now: now)
    }

    /// This balancer for a new endpoint list (discovery added or removed endpoints): endpoints that stay keep
    /// their availability, warm-up, in-flight count, latency estimate and algorithm state; new ones warm up
    /// from `now`. The hash ring is rebuilt from addresses, so only the keys of endpoints that came or went
    /// move. Indices are positions in `endpoints`. `sharingRingOf`: another loop's balancer already rebuilt
    /// for the same list, whose ring this one reuses.
    public func rebuilt(
        for endpoints: [BalancerEndpoint], now: NIODeadline, sharingRingOf other: Balancer? = nil
    ) -> Balancer {
        let newTable = EndpointTable(endpoints, keeping: table, now: now, slowStart: configuration.slowStart)
        let newState: State
        switch state {
        case .roundRobin(let rotation): newState = .roundRobin(rotation.rebuilt(from: table, to: newTable))
        case .weightedRoundRobin(let smooth):
            newState = .weightedRoundRobin(smooth.rebuilt(from: table, to: newTable))
        case .consistentHash: newState = .consistentHash(Self.ring(for: newTable, configuration, sharing: other))
        case .p2c, .ewma, .random, .modifying: newState = Self.initialState(configuration, newTable, sharing: other)
        }
        return Balancer(configuration: configuration, table: newTable, state: newState)
    }
}
