import NIOCore
import SluiceThrift
import Synchronization
import Testing

@testable import SluiceClient

/// A transport that never connects: counts shutdowns, fails sends.
private final class CountingTransport: ThriftCallTransport {
    let shutdowns = Atomic<Int>(0)
    func send(_ call: OutboundCall, promise: EventLoopPromise<ThriftReply>) {
        promise.fail(ClientError(.shutdown, "test"))
    }
    func shutdown() async { shutdowns.add(1, ordering: .relaxed) }
}

@Suite("ClusterMembers and EndpointHandle")
struct ClusterMembersTests {
    static func endpoint(_ port: Int, weight: Int = 1) -> WeightedEndpoint {
        WeightedEndpoint(Endpoint(host: "10.0.0.1", port: port), weight: weight)
    }

    static func handle(_ endpoint: Endpoint) -> EndpointHandle {
        EndpointHandle(endpoint: endpoint, transport: CountingTransport(), onDrained: { _ in })
    }

    @Test("a new set keeps the handles of endpoints that stay, makes new ones, and retires removed ones")
    func nextKeepsHandles() {
        let first = ClusterMembers.empty.next([Self.endpoint(2), Self.endpoint(1)], makeHandle: Self.handle).members
        #expect(first.endpoints.map(\.endpoint.port) == [1, 2])
        var made: [Int] = []
        let (second, diff, retired) = first.next([Self.endpoint(3), Self.endpoint(2, weight: 5)]) { endpoint in
            made.append(endpoint.port)
            return Self.handle(endpoint)
        }
        #expect(made == [3])
        #expect(second.endpoints.map(\.endpoint.port) == [2, 3])
        #expect(second.handles[0] === first.handles[1])
        #expect(retired.count == 1 && retired[0] === first.handles[0])
        #expect(diff.reweighted == [Self.endpoint(2, weight: 5)])
        #expect(second.oldIndices(in: first) == [1, nil])
        #expect(second.index(of: Endpoint(host: "10.0.0.1", port: 3)) == 1)
    }

    @Test("a retired handle shuts its transport down only after its last attempt in flight ends")
    func drainWaitsForAttempts() async {
        let transport = CountingTransport()
        let drained = Atomic<Int>(0)
        let handle = EndpointHandle(endpoint: Endpoint(host: "h", port: 1), transport: transport) { _ in
            drained.add(1, ordering: .relaxed)
        }
        handle.attemptStarted()
        handle.attemptStarted()
        handle.retire()
        #expect(handle.isRetired && handle.inFlight == 2)
        handle.attemptEnded()
        #expect(!handle.isShutDown)
        handle.attemptEnded()
        #expect(await ThriftClientTests.eventually(within: .seconds(2)) { drained.load(ordering: .relaxed) == 1 })
        #expect(transport.shutdowns.load(ordering: .relaxed) == 1)
        await handle.shutdown()
        #expect(transport.shutdowns.load(ordering: .relaxed) == 1)
    }

    @Test("a retired handle with nothing in flight drains at once")
    func idleDrain() async {
        let transport = CountingTransport()
        let handle = EndpointHandle(endpoint: Endpoint(host: "h", port: 1), transport: transport) { _ in }
        handle.retire()
        #expect(await ThriftClientTests.eventually(within: .seconds(2)) { transport.shutdowns.load(ordering: .relaxed) == 1 })
    }

    @Test("SplitMix64 is deterministic for a seed")
    func splitMix() {
        var a = SplitMix64(seed: 42)
        var b = SplitMix64(seed: 42)
        #expect((0..<4).map { _ in a.next() } == (0..<4).map { _ in b.next() })
    }
}
