/// Each eligible endpoint in turn, weights ignored. The first pick starts at a random index so that event
/// loops (and gateway instances) do not all begin on the first endpoint.
public struct RoundRobinState: Sendable {
    /// The index to try next; -1 before the first pick.
    private(set) var next = -1

    public init() {}

    init(next: Int) { self.next = next }

    mutating func pick(in table: EndpointTable, excluding tried: TriedEndpoints, draws: inout RandomDraws) -> Int? {
        let count = table.count
        guard count > 0 else { return nil }
        var index = next >= 0 && next < count ? next : draws.below(count)
        for _ in 0..<count {
            if table.isEligible(index, excluding: tried) {
                next = index + 1 == count ? 0 : index + 1
                return index
            }
            index = index + 1 == count ? 0 : index + 1
        }
        return nil
    }

    /// After an endpoint-set change the turn stays with the endpoint that had it, when that one stays.
    func rebuilt(from old: EndpointTable, to new: EndpointTable) -> RoundRobinState {
        guard next >= 0, next < old.count else { return RoundRobinState() }
        let endpoint = old[next].endpoint
        return RoundRobinState(next: new.entries.firstIndex { $0.endpoint == endpoint } ?? -1)
    }
}
