import Synchronization
import SluiceClient
import Testing

@Suite("Static endpoint source")
struct StaticEndpointSourceTests {
    @Test("delivers its normalized list once; nothing after stop")
    func delivers() async {
        let source = StaticEndpointSource([
            WeightedEndpoint(Endpoint(host: "b", port: 1)), WeightedEndpoint(Endpoint(host: "a", port: 1), weight: 2),
        ])
        let seen = Mutex<[[WeightedEndpoint]]>([])
        let delivered = AsyncStream<Void>.makeStream()
        source.start { set in
            seen.withLock { $0.append(set) }
            delivered.continuation.yield()
        }
        source.start { _ in Issue.record("a second start must do nothing") }
        for await _ in delivered.stream { break }
        await source.stop()
        #expect(seen.withLock { $0 } == [[
            WeightedEndpoint(Endpoint(host: "a", port: 1), weight: 2), WeightedEndpoint(Endpoint(host: "b", port: 1)),
        ]])
    }
}
