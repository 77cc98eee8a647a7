/// A fixed endpoint list (a route file's `endpoints:`): delivered once, normalized, when started.
public final class StaticEndpointSource: EndpointSource {
    public let endpoints: [WeightedEndpoint]
    private let task = SourceTask()

    public init(_ endpoints: [WeightedEndpoint]) {
        self.endpoints = WeightedEndpoint.normalized(endpoints)
    }

    public func start(onChange: @escaping @Sendable ([WeightedEndpoint]) -> Void) {
        let endpoints = self.endpoints
        task.start {
            var delivery = EndpointDelivery(onChange)
            delivery.offer(endpoints)
        }
    }

    public func stop() async { await task.stop() }
}
