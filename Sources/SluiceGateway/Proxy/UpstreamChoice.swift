internal import NIOCore
internal import SluiceClient

/// One loop's choice among an http service's endpoints: its copy of the service's ``Balancer`` (so p2c and
/// ewma count this loop's requests; a hash ring stays shared) and the generator its draws come from. Both
/// upstream shards keep one; a request is in flight on its endpoint from ``start(hashKey:now:)`` to
/// ``end(_:since:)``, exactly once each.
struct UpstreamChoice {
    private var balancer: Balancer
    private var random = SplitMix64()

    init(_ balancer: Balancer) {
        self.balancer = balancer
    }

    /// The endpoint for a new request, counted in flight there; nil when none can be chosen.
    mutating func start(hashKey: UInt64?, now: NIODeadline) -> Int? {
        guard let endpoint = balancer.pick(hashKey: hashKey, now: now, rng: &random) else { return nil }
        balancer.started(endpoint)
        return endpoint
    }

    /// A request started on `endpoint` at `startedAt` is over there.
    mutating func end(_ endpoint: Int, since startedAt: NIODeadline) {
        let now = NIODeadline.now()
        balancer.finished(endpoint, latency: now - startedAt, now: now)
    }

    static var noEndpoint: ClientError { ClientError(.noEndpoints, "no endpoint can be chosen (every weight is 0)") }
}
