/// One endpoint as discovery or the route file gives it: its address (its identity across endpoint-set
/// changes) and its configured weight.
public struct BalancerEndpoint: Sendable, Hashable {
    public var endpoint: Endpoint
    /// 0 means never chosen; a plain endpoint string has weight 1, Kitex's etcd entries say 10.
    public var weight: Int

    /// Weights above this are refused: the fixed-point arithmetic (weight × 1000 × endpoints) stays far from
    /// overflow.
    public static let maximumWeight = 1_000_000

    public init(_ endpoint: Endpoint, weight: Int = 1) {
        self.endpoint = endpoint
        self.weight = weight
    }

    public func validate() throws(BalancerConfigurationError) {
        guard (0...Self.maximumWeight).contains(weight) else {
            throw BalancerConfigurationError(field: "weight", reason: "must be between 0 and \(Self.maximumWeight)")
        }
    }
}
