import Logging
import Synchronization
import Testing

@testable import SluiceClient

@Suite("DNS endpoint source")
struct DNSEndpointSourceTests {
    @Test("the system resolver answers numeric hosts and /etc/hosts' localhost")
    func resolver() throws {
        #expect(try SystemResolver.resolve(host: "127.0.0.1", port: 80) == [Endpoint(host: "127.0.0.1", port: 80)])
        #expect(try SystemResolver.resolve(host: "::1", port: 81) == [Endpoint(host: "::1", port: 81)])
        #expect(try SystemResolver.resolve(host: "localhost", port: 82).contains(Endpoint(host: "127.0.0.1", port: 82)))
        #expect(throws: ResolutionError.self) { try SystemResolver.resolve(host: "no-such-host.invalid", port: 1) }
    }

    @Test("the first resolution is delivered normalized, with weight 1; stop ends the task")
    func source() async {
        let source = DNSEndpointSource(
            configuration: DNSDiscoveryConfiguration(host: "127.0.0.1", port: 9090), logger: Logger(label: "test"))
        let delivered = AsyncStream<[WeightedEndpoint]>.makeStream()
        source.start { delivered.continuation.yield($0) }
        var first: [WeightedEndpoint]?
        for await set in delivered.stream {
            first = set
            break
        }
        await source.stop()
        #expect(first == [WeightedEndpoint(Endpoint(host: "127.0.0.1", port: 9090))])
    }
}
