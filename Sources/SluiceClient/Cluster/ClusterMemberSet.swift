/// One published endpoint set of a cluster: the endpoints, their handles (transports) and the lookup from
/// address to index. Immutable, so each loop holds the one it was last given and indices never shift under a
/// call; a change makes a new one (``next(_:makeHandle:)``) that each loop installs on its own thread.
final class ClusterMemberSet<Wire: ClusterWire>: Sendable {
    let endpoints: [WeightedEndpoint]
    let handles: [ClusterEndpoint<Wire>]
    private let indices: [Endpoint: Int]

    init(endpoints: [WeightedEndpoint], handles: [ClusterEndpoint<Wire>]) {
        self.endpoints = endpoints
        self.handles = handles
        self.indices = Dictionary(
            endpoints.enumerated().map { ($0.element.endpoint, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }

    static var empty: ClusterMemberSet { ClusterMemberSet(endpoints: [], handles: []) }

    var count: Int { endpoints.count }

    func index(of endpoint: Endpoint) -> Int? { indices[endpoint] }

    var balancerEndpoints: [BalancerEndpoint] {
        endpoints.map { BalancerEndpoint($0.endpoint, weight: $0.weight) }
    }

    /// The set after discovery delivered `delivered`: endpoints that stay keep their handle (and so their
    /// connections), new ones get one from `makeHandle`; `retired` are the handles of removed endpoints.
    func next(
        _ delivered: [WeightedEndpoint], makeHandle: (Endpoint) -> ClusterEndpoint<Wire>
    ) -> (members: ClusterMemberSet, diff: EndpointSetDiff, retired: [ClusterEndpoint<Wire>]) {
        let endpoints = WeightedEndpoint.normalized(delivered)
        let diff = EndpointSetDiff(from: self.endpoints, to: endpoints)
        let handles = endpoints.map { entry in
            index(of: entry.endpoint).map { self.handles[$0] } ?? makeHandle(entry.endpoint)
        }
        let retired = diff.removed.compactMap { index(of: $0).map { self.handles[$0] } }
        return (ClusterMemberSet(endpoints: endpoints, handles: handles), diff, retired)
    }

    /// For each endpoint of `self`, its index in `older`; nil for a new one (``OutlierDetector/remapped(oldIndex:)``).
    func oldIndices(in older: ClusterMemberSet) -> [Int?] {
        endpoints.map { older.index(of: $0.endpoint) }
    }
}
