import NIOCore
import Testing

@testable import SluiceClient

@Suite("Attempt outcomes")
struct AttemptOutcomeTests {
    @Test("client errors map to outcome kinds; connect failures are never written")
    func clientErrorMapping() {
        #expect(AttemptFailure(.noEndpoints) == AttemptFailure(.unavailable, requestWritten: false))
        #expect(AttemptFailure(.connectFailed) == AttemptFailure(.connectFailure, requestWritten: false))
        #expect(
            AttemptFailure(.connectTimeout, requestWritten: true)
                == AttemptFailure(.connectFailure, requestWritten: false))
        #expect(AttemptFailure(.requestTimeout) == AttemptFailure(.timeout, requestWritten: true))
        #expect(
            AttemptFailure(.requestTimeout, requestWritten: false) == AttemptFailure(.timeout, requestWritten: false))
        #expect(AttemptFailure(.connectionClosed) == AttemptFailure(.reset, requestWritten: true))
        #expect(AttemptFailure(.protocolError) == AttemptFailure(.other, requestWritten: true))
    }

    @Test("cancellation and shutdown are no outcome at all")
    func notOutcomes() {
        #expect(AttemptFailure(.cancelled) == nil)
        #expect(AttemptFailure(.shutdown) == nil)
    }

    @Test(
        "endpoint failures: transport, 5xx, the gRPC codes the guard counts as failures; not declared exceptions",
        arguments: [
            (AttemptFailure.Kind.connectFailure, true), (.reset, true), (.timeout, true), (.unavailable, true),
            (.other, true), (.exception("Busy"), false), (.grpc(14), true), (.grpc(13), true), (.grpc(5), false),
            (.grpc(8), false), (.grpc(12), false), (.grpc(2), true), (.grpc(4), true), (.grpc(15), true), (.http(503), true), (.http(500), true), (.http(404), false), (.http(429), false),
        ] as [(AttemptFailure.Kind, Bool)])
    func endpointFailures(kind: AttemptFailure.Kind, counts: Bool) {
        #expect(AttemptFailure(kind, requestWritten: true).isEndpointFailure == counts)
    }
}
