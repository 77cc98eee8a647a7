internal import NIOCore

/// Power of two choices: two distinct eligible endpoints drawn by effective weight, and the less loaded one
/// wins, the first drawn on a tie. With nothing in flight every draw ties, so traffic follows the weights
/// exactly; under load the busier or slower endpoint loses more of its draws.
enum TwoChoices {
    /// Least request (Envoy's least_request, weight-aware): the smaller in-flight / weight wins, compared
    /// as cross products so no division is needed.
    static func leastRequest(
        in table: EndpointTable, excluding tried: TriedEndpoints, now: NIODeadline, draws: inout RandomDraws
    ) -> Int? {
        guard let first = table.sample(excluding: tried, now: now, draws: &draws) else { return nil }
        let others = tried.inserting(first)
        guard let second = table.sample(excluding: others, now: now, draws: &draws) else { return first }
        let firstLoad = table[first].inFlight &* table.effectiveWeight(second, now: now)
        let secondLoad = table[second].inFlight &* table.effectiveWeight(first, now: now)
        return secondLoad < firstLoad ? second : first
    }

    /// Peak EWMA (Finagle's p2c-peak-ewma): the smaller latency estimate × (in flight + 1) wins. An
    /// endpoint with no sample yet costs nothing while idle, so it is tried first, and the most while a
    /// request to it is outstanding, so one unknown endpoint is not flooded.
    static func peakEWMA(
        in table: EndpointTable, excluding tried: TriedEndpoints, now: NIODeadline, decay: TimeAmount,
        draws: inout RandomDraws
    ) -> Int? {
        guard let first = table.sample(excluding: tried, now: now, draws: &draws) else { return nil }
        let others = tried.inserting(first)
        guard let second = table.sample(excluding: others, now: now, draws: &draws) else { return first }
        return cost(of: second, in: table, now: now, decay: decay) < cost(of: first, in: table, now: now, decay: decay)
            ? second : first
    }

    static func cost(of index: Int, in table: EndpointTable, now: NIODeadline, decay: TimeAmount) -> Double {
        let entry = table[index]
        guard entry.latency.hasSample else { return entry.inFlight == 0 ? 0 : .greatestFiniteMagnitude }
        return entry.latency.current(now: now, decay: decay) * Double(entry.inFlight + 1)
    }
}
