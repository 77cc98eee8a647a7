/// An endpoint and its share of the traffic: a plain address has weight 1; Kitex's etcd registry writes 10.
public struct WeightedEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var endpoint: Endpoint
    /// Relative weight, at least 1 once normalized by a source.
    public var weight: Int

    public init(_ endpoint: Endpoint, weight: Int = 1) {
        self.endpoint = endpoint
        self.weight = weight
    }

    public var description: String { weight == 1 ? endpoint.description : "\(endpoint)*\(weight)" }

    /// `endpoints` sorted by address (host, then port) with later duplicates of an address dropped: the form
    /// every source delivers, so two deliveries compare equal exactly when they hold the same endpoints.
    public static func normalized(_ endpoints: some Sequence<WeightedEndpoint>) -> [WeightedEndpoint] {
        var seen = Set<Endpoint>()
        var unique: [WeightedEndpoint] = []
        for endpoint in endpoints where seen.insert(endpoint.endpoint).inserted {
            unique.append(endpoint)
        }
        return unique.sorted { precedes($0.endpoint, $1.endpoint) }
    }

    static func precedes(_ a: Endpoint, _ b: Endpoint) -> Bool {
        a.host != b.host ? a.host < b.host : a.port < b.port
    }
}
