import Foundation
import Logging
import NIOCore
import NIOPosix
import SluiceThrift
import SluiceThriftServer
import Synchronization

@testable import SluiceClient

/// A backend a cluster test controls: echoes `echo`, or stays silent while `stalled`; counts every call.
final class ClusterBackend: ThriftServiceHandler {
    let calls = Atomic<Int>(0)
    let stalled = Atomic<Bool>(false)

    init(stalled: Bool = false) { self.stalled.store(stalled, ordering: .relaxed) }

    func handle(method: String, arguments: ByteBuffer, protocol: ThriftProtocolKind, allocator: ByteBufferAllocator)
        throws -> ByteBuffer?
    {
        calls.add(1, ordering: .relaxed)
        if stalled.load(ordering: .relaxed) || method == "silent" { return nil }
        if method == "slow" { Thread.sleep(forTimeInterval: 0.3) }
        return arguments
    }

    var count: Int { calls.load(ordering: .relaxed) }
}

/// A discovery source a test drives by hand.
final class ManualEndpointSource: EndpointSource {
    private let onChange = Mutex<(@Sendable ([WeightedEndpoint]) -> Void)?>(nil)
    private let initial: [WeightedEndpoint]

    init(_ initial: [WeightedEndpoint]) { self.initial = initial }

    func start(onChange: @escaping @Sendable ([WeightedEndpoint]) -> Void) {
        self.onChange.withLock { $0 = onChange }
        onChange(initial)
    }

    func deliver(_ endpoints: [WeightedEndpoint]) {
        onChange.withLock { $0 }?(endpoints)
    }

    func stop() async { onChange.withLock { $0 = nil } }
}

enum ClusterTestSupport {
    struct Backend {
        let server: ThriftServer
        let handler: ClusterBackend
        var endpoint: Endpoint { Endpoint(host: "127.0.0.1", port: server.port) }
    }

    struct Harness {
        let backends: [Backend]
        let serverGroup: MultiThreadedEventLoopGroup
        let clientGroup: MultiThreadedEventLoopGroup
        /// A port nothing listens on.
        let refusedEndpoint: Endpoint

        var loop: any EventLoop { clientGroup.next() }

        func client(
            _ cluster: ClusterConfiguration, transport: ThriftTransportKind = .ttheader, timeout: TimeAmount = .seconds(5),
            source: (any EndpointSource)? = nil
        ) -> ThriftClient {
            ThriftClient(
                configuration: ThriftClientConfiguration(
                    endpoints: [], transport: transport, serviceName: "ClusterService", requestTimeout: timeout,
                    cluster: cluster),
                eventLoopGroup: clientGroup, logger: Logger(label: "cluster-test"), lengthFinder: nil,
                endpointSource: source)
        }

        func call(
            _ client: ThriftClient, _ method: String = "echo", _ n: Int32 = 1, policy: CallPolicyOverride? = nil,
            hashKey: UInt64? = nil, on loop: (any EventLoop)? = nil
        ) async throws -> ThriftReply {
            try await client.call(
                method: method, oneway: false, arguments: argumentsBody(n, protocol: .binary), timeout: nil,
                policy: policy, hashKey: hashKey, on: loop ?? self.loop
            ).get()
        }

        func weighted(_ weights: [Int]) -> [WeightedEndpoint] {
            zip(backends, weights).map { WeightedEndpoint($0.endpoint, weight: $1) }
        }
    }

    /// `backends` servers on loopback (true: starts stalled); one client loop so the per-loop balancer and
    /// detector see every call.
    static func withHarness(
        backends stalled: [Bool], clientLoops: Int = 1, _ body: (Harness) async throws -> Void
    ) async throws {
        let serverGroup = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: clientLoops)
        var backends: [Backend] = []
        for stall in stalled {
            let handler = ClusterBackend(stalled: stall)
            let server = try await ThriftServer.start(host: "127.0.0.1", port: 0, handler: handler, group: serverGroup)
            backends.append(Backend(server: server, handler: handler))
        }
        let closed = try await ThriftServer.start(host: "127.0.0.1", port: 0, handler: ClusterBackend(), group: serverGroup)
        let refused = Endpoint(host: "127.0.0.1", port: closed.port)
        try await closed.shutdown()
        let harness = Harness(backends: backends, serverGroup: serverGroup, clientGroup: clientGroup, refusedEndpoint: refused)
        var failure: (any Error)?
        do { try await body(harness) } catch { failure = error }
        for backend in backends { try? await backend.server.shutdown() }
        try await clientGroup.shutdownGracefully()
        try await serverGroup.shutdownGracefully()
        if let failure { throw failure }
    }
}
