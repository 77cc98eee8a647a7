import NIOCore
import NIOHTTP1
import Testing
@testable import SluiceClient

/// What the cluster reads of an HTTP attempt: which response heads are failed attempts, and that an attempt
/// reports once.
@Suite("HTTP wire")
struct HTTPWireTests {
    final class Receiver: HTTPAttemptReceiver {}

    @Test("a 5xx head is a failed attempt, with the request written; a trailers-only gRPC status is one by its code")
    func failures() {
        #expect(HTTPWire.failure(of: HTTPAttemptReply(status: 200)) == nil)
        #expect(HTTPWire.failure(of: HTTPAttemptReply(status: 404)) == nil)
        #expect(HTTPWire.failure(of: HTTPAttemptReply(status: 503)) == AttemptFailure(.http(503), requestWritten: true))
        #expect(HTTPWire.failure(of: HTTPAttemptReply(status: 200, grpcStatus: 0)) == nil)
        #expect(HTTPWire.failure(of: HTTPAttemptReply(status: 200, grpcStatus: 14)) == AttemptFailure(.grpc(14), requestWritten: true))
        #expect(RetryCondition.httpClass(5).matches(.http(502)))
    }

    @Test("an attempt reports its head or its failure once: what comes after the first is dropped")
    func reportsOnce() throws {
        var reports: [Result<HTTPAttemptReply, ClientError>] = []
        let attempt = HTTPAttempt(timeout: .seconds(1)) { reports.append($0) }
        var head = HTTPResponseHead(version: .http1_1, status: .serviceUnavailable)
        head.headers.add(name: "grpc-status", value: "14")
        attempt.answered(head)
        attempt.fail(ClientError(.connectionClosed, "closed"))
        #expect(attempt.isDone)
        #expect(reports.count == 1)
        let reply = try #require(try? reports.first?.get())
        #expect(reply.status == 503 && reply.grpcStatus == 14)
    }

    @Test("a request whose body was kept may be sent again and hedged; any may be sent again before it was sent")
    func callRules() {
        let call = HTTPClusterCall(
            timeout: .seconds(1), cancellation: nil, webSocket: false, replayable: false, receiver: Receiver())
        #expect(!HTTPWire.mayHedge(call))
        #expect(!HTTPWire.mayRetry(call))
        #expect(HTTPWire.mayRetryUnsent(call))
        var kept = call
        kept.replayable = true
        #expect(HTTPWire.mayRetry(kept))
        #expect(HTTPWire.mayHedge(kept))
        let attempt = HTTPWire.attempt(of: kept, deadline: .now() + .milliseconds(300), timeout: .milliseconds(300), cancellation: nil)
        #expect(attempt.timeout == .milliseconds(300) && attempt.replayable)
    }
}
