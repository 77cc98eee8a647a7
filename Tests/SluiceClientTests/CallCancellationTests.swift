import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import SluiceClient
@testable import SluiceThrift

@Suite("Call cancellation")
struct CallCancellationTests {
    @Test("actions run once, at cancel; one registered after the cancel runs at once")
    func actions() {
        let cancellation = CallCancellation()
        let runs = Mutex(0)
        cancellation.onCancel { runs.withLock { $0 += 1 } }
        cancellation.onCancel { runs.withLock { $0 += 10 } }
        #expect(!cancellation.isCancelled)
        #expect(runs.withLock { $0 } == 0)
        cancellation.cancel()
        cancellation.cancel()
        #expect(cancellation.isCancelled)
        #expect(runs.withLock { $0 } == 11)
        cancellation.onCancel { runs.withLock { $0 += 100 } }
        #expect(runs.withLock { $0 } == 111)
    }

    @Test("a cancelled call fails at once with .cancelled and the client goes on: the seq id is freed, or the pooled connection replaced",
          arguments: [ThriftTransportKind.ttheader, .theader, .framed, .buffered])
    func cancelInFlight(transport: ThriftTransportKind) async throws {
        try await ThriftClientTests.withHarness { harness in
            var configuration = harness.configuration(transport)
            configuration.maxConnections = 1
            configuration.connectionsPerEndpoint = 1
            let client = harness.client(configuration)
            let cancellation = CallCancellation()
            // "silent" is never answered: only the cancel can end it before its 30 s timeout.
            let silent = client.call(
                method: "silent", oneway: false, arguments: argumentsBody(1, protocol: .binary), timeout: .seconds(30),
                cancellation: cancellation, on: harness.clientGroup.next())
            #expect(await ThriftClientTests.eventually { harness.handler.calls.load(ordering: .relaxed) == 1 })
            cancellation.cancel()
            let error = await ThriftClientTests.clientError { _ = try await silent.get() }
            #expect(error?.kind == .cancelled)
            for n in Int32(2)...4 {
                let reply = try await harness.call(client, "echo", n)
                #expect(reply.body == argumentsBody(n, protocol: .binary))
            }
            await client.shutdown()
        }
    }

    @Test("a call whose caller gave up before it was sent fails with .cancelled")
    func cancelledBefore() async throws {
        try await ThriftClientTests.withHarness { harness in
            let client = harness.client(harness.configuration(.ttheader))
            let cancellation = CallCancellation()
            cancellation.cancel()
            let call = client.call(
                method: "echo", oneway: false, arguments: argumentsBody(1, protocol: .binary), timeout: .seconds(30),
                cancellation: cancellation, on: harness.clientGroup.next())
            let error = await ThriftClientTests.clientError { _ = try await call.get() }
            #expect(error?.kind == .cancelled)
            await client.shutdown()
        }
    }
}
