/// What changed between two endpoint sets: the cluster opens pools for `added`, drains those of `removed`, and
/// tells its balancer about `reweighted`. A pure value; the order of the inputs does not matter.
public struct EndpointSetDiff: Sendable, Hashable {
    /// New addresses, with their weights, sorted by address.
    public var added: [WeightedEndpoint]
    /// Addresses that are gone, sorted.
    public var removed: [Endpoint]
    /// Addresses in both sets whose weight changed, with the new weight, sorted by address.
    public var reweighted: [WeightedEndpoint]

    public init(from old: [WeightedEndpoint], to new: [WeightedEndpoint]) {
        var oldWeights: [Endpoint: Int] = [:]
        for entry in old where oldWeights[entry.endpoint] == nil { oldWeights[entry.endpoint] = entry.weight }
        var newWeights: [Endpoint: Int] = [:]
        for entry in new where newWeights[entry.endpoint] == nil { newWeights[entry.endpoint] = entry.weight }
        var added: [WeightedEndpoint] = []
        var reweighted: [WeightedEndpoint] = []
        for (endpoint, weight) in newWeights {
            switch oldWeights[endpoint] {
            case nil: added.append(WeightedEndpoint(endpoint, weight: weight))
            case let previous? where previous != weight: reweighted.append(WeightedEndpoint(endpoint, weight: weight))
            default: break
            }
        }
        self.added = added.sorted { WeightedEndpoint.precedes($0.endpoint, $1.endpoint) }
        self.reweighted = reweighted.sorted { WeightedEndpoint.precedes($0.endpoint, $1.endpoint) }
        self.removed = oldWeights.keys.filter { newWeights[$0] == nil }.sorted(by: WeightedEndpoint.precedes)
    }

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && reweighted.isEmpty }
}
