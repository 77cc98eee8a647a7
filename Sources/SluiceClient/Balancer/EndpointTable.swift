public import NIOCore

/// A service's endpoints as one event loop's balancer sees them: configured weight, availability (the
/// cluster's outlier detector and health checks set it), slow-start start time, requests in flight from this
/// loop, and a latency estimate. Indices are positions in the endpoint list the table was built from.
public struct EndpointTable: Sendable {
    public struct Entry: Sendable {
        public let endpoint: Endpoint
        public let weight: Int
        public fileprivate(set) var available: Bool
        /// When the endpoint was added or came back; nil once it is not warming up.
        public fileprivate(set) var warmingSince: NIODeadline?
        public fileprivate(set) var inFlight: Int
        public fileprivate(set) var latency: PeakEWMA
    }

    public private(set) var entries: [Entry]
    public let slowStart: TimeAmount
    /// Available endpoints with a positive weight: when 0, nothing can be chosen.
    public private(set) var choosable: Int
    /// Every positive weight is the same, so sampling may pick an index uniformly (once nothing warms up).
    private var uniformWeights: Bool
    /// No endpoint warms up at or after this time.
    private var warmUntil: NIODeadline

    /// Effective weights are fixed point: weight × 1000 at full strength, × 100 at the start of slow start.
    public static let fullStrength = 1000
    static let slowStartFloor = 100

    public init(_ endpoints: [BalancerEndpoint], slowStart: TimeAmount) {
        self.init(
            entries: endpoints.map {
                Entry(
                    endpoint: $0.endpoint, weight: Self.clamp($0.weight), available: true, warmingSince: nil,
                    inFlight: 0, latency: PeakEWMA())
            }, slowStart: slowStart)
    }

    /// For rebuilding: an endpoint that stays keeps its entry (availability, warm-up, in flight, latency) with
    /// its new weight; a new one starts warming up at `now`.
    public init(_ endpoints: [BalancerEndpoint], keeping old: EndpointTable, now: NIODeadline, slowStart: TimeAmount) {
        let previous = Dictionary(old.entries.map { ($0.endpoint, $0) }, uniquingKeysWith: { first, _ in first })
        self.init(
            entries: endpoints.map {
                guard let entry = previous[$0.endpoint] else {
                    return Entry(
                        endpoint: $0.endpoint, weight: Self.clamp($0.weight), available: true,
                        warmingSince: slowStart > .zero ? now : nil, inFlight: 0, latency: PeakEWMA())
                }
                return Entry(
                    endpoint: entry.endpoint, weight: Self.clamp($0.weight), available: entry.available,
                    warmingSince: entry.warmingSince, inFlight: entry.inFlight, latency: entry.latency)
            }, slowStart: slowStart)
    }

    private init(entries: [Entry], slowStart: TimeAmount) {
        self.entries = entries
        self.slowStart = max(slowStart, .zero)
        self.choosable = 0
        self.uniformWeights = true
        self.warmUntil = .uptimeNanoseconds(0)
        recount()
    }

    /// Weights outside 0...maximumWeight are the parser's to refuse; here they are clamped, never trapped on.
    private static func clamp(_ weight: Int) -> Int { min(max(weight, 0), BalancerEndpoint.maximumWeight) }

    private mutating func recount() {
        choosable = entries.reduce(0) { $0 + ($1.available && $1.weight > 0 ? 1 : 0) }
        let weights = entries.lazy.map(\.weight).filter { $0 > 0 }
        uniformWeights = weights.first.map { first in weights.allSatisfy { $0 == first } } ?? true
        warmUntil = entries.reduce(NIODeadline.uptimeNanoseconds(0)) { latest, entry in
            guard let since = entry.warmingSince else { return latest }
            return max(latest, since + slowStart)
        }
    }

    public var count: Int { entries.count }

    public subscript(index: Int) -> Entry { entries[index] }

    // MARK: Events from the cluster

    /// An endpoint ejected or failing its health checks is not chosen; one that comes back warms up again.
    public mutating func setAvailable(_ index: Int, _ available: Bool, now: NIODeadline) {
        guard entries.indices.contains(index), entries[index].available != available else { return }
        entries[index].available = available
        if available, slowStart > .zero { entries[index].warmingSince = now }
        recount()
    }

    public mutating func started(_ index: Int) {
        guard entries.indices.contains(index) else { return }
        entries[index].inFlight += 1
    }

    public mutating func finished(_ index: Int) {
        guard entries.indices.contains(index) else { return }
        entries[index].inFlight = max(entries[index].inFlight - 1, 0)
    }

    public mutating func observe(_ index: Int, latency: TimeAmount, now: NIODeadline, decay: TimeAmount) {
        guard entries.indices.contains(index) else { return }
        entries[index].latency.observe(latency, now: now, decay: decay)
    }

    // MARK: Choice

    @inline(__always)
    public func isEligible(_ index: Int, excluding tried: TriedEndpoints) -> Bool {
        let entry = entries[index]
        return entry.available && entry.weight > 0 && !tried.contains(index)
    }

    /// Weight × 1000 at full strength; while warming up, Envoy's slow start with aggression 1 and a 10 %
    /// floor: weight × max(0.1, elapsed / window).
    @inline(__always)
    public func effectiveWeight(_ index: Int, now: NIODeadline) -> Int {
        let entry = entries[index]
        guard let since = entry.warmingSince, now < warmUntil else { return entry.weight &* Self.fullStrength }
        let elapsed = now - since
        guard elapsed < slowStart else { return entry.weight &* Self.fullStrength }
        let permille = Int(max(elapsed.nanoseconds, 0) / max(slowStart.nanoseconds / 1000, 1))
        return entry.weight &* max(permille, Self.slowStartFloor)
    }

    /// An eligible index drawn with probability proportional to its effective weight; nil when none is.
    func sample(excluding tried: TriedEndpoints, now: NIODeadline, draws: inout RandomDraws) -> Int? {
        let count = entries.count
        guard count > 0 else { return nil }
        if uniformWeights, now >= warmUntil {
            // Rejection first: with equal weights a uniform index is the answer unless it is ineligible, and
            // a miss falls through to the exact scan, so the draw stays uniform over the eligible ones.
            for _ in 0..<3 {
                let index = draws.below(count)
                if isEligible(index, excluding: tried) { return index }
            }
        }
        var total = 0
        for index in 0..<count where isEligible(index, excluding: tried) {
            total &+= effectiveWeight(index, now: now)
        }
        guard total > 0 else { return nil }
        var point = draws.below(total)
        for index in 0..<count where isEligible(index, excluding: tried) {
            point -= effectiveWeight(index, now: now)
            if point < 0 { return index }
        }
        return nil
    }
}
