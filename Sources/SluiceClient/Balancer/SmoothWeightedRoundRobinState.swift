internal import NIOCore

/// nginx's smooth weighted round robin (ngx_http_upstream_get_peer): every pick adds each eligible
/// endpoint's effective weight to its current weight, chooses the largest current weight (the first on a
/// tie) and takes the total off it. Weights 5, 1, 1 give a a b a c a a, spread rather than bunched.
public struct SmoothWeightedRoundRobinState: Sendable {
    private(set) var current: [Int]

    public init(count: Int) { current = Array(repeating: 0, count: count) }

    mutating func pick(in table: EndpointTable, excluding tried: TriedEndpoints, now: NIODeadline) -> Int? {
        var total = 0
        var best = -1
        var bestCurrent = Int.min
        for index in 0..<min(table.count, current.count) where table.isEligible(index, excluding: tried) {
            let weight = table.effectiveWeight(index, now: now)
            current[index] &+= weight
            total &+= weight
            if current[index] > bestCurrent {
                best = index
                bestCurrent = current[index]
            }
        }
        guard best >= 0 else { return nil }
        current[best] &-= total
        return best
    }

    /// Endpoints that stay keep their current weight; new ones start at 0, as nginx's do.
    func rebuilt(from old: EndpointTable, to new: EndpointTable) -> SmoothWeightedRoundRobinState {
        var oldCurrent: [Endpoint: Int] = [:]
        for index in 0..<min(old.count, current.count) { oldCurrent[old[index].endpoint] = current[index] }
        var state = SmoothWeightedRoundRobinState(count: new.count)
        for index in 0..<new.count { state.current[index] = oldCurrent[new[index].endpoint] ?? 0 }
        return state
    }
}
