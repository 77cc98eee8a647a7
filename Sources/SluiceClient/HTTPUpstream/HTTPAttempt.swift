package import NIOCore
package import NIOHTTP1

/// One attempt of a proxied request, as the exchange holding its link sees it: it reports the response head or
/// the failure, exactly once (later reports are dropped).
///
/// `@unchecked Sendable`: confined to the exchange's event loop, where the cluster runs the call's attempts and
/// the exchange reads its upstream.
package final class HTTPAttempt: @unchecked Sendable {
    private let report: (Result<HTTPAttemptReply, ClientError>) -> Void
    /// The attempt's share of the call's time: the exchange waits this long for the response head.
    package let timeout: TimeAmount
    package private(set) var isDone = false

    /// `report` gets the outcome; a service without a cluster passes its exchange's own completion.
    package init(timeout: TimeAmount, report: @escaping (Result<HTTPAttemptReply, ClientError>) -> Void) {
        self.timeout = timeout
        self.report = report
    }

    /// The response head arrived. The cluster decides at once (on this loop, before this returns) whether the
    /// call ends with it or a retry follows; without a cluster, the call ends with it.
    package func answered(_ head: HTTPResponseHead) {
        guard !isDone else { return }
        isDone = true
        let grpcStatus = head.headers.first(name: "grpc-status").flatMap { Int($0) }
        report(.success(HTTPAttemptReply(status: Int(head.status.code), grpcStatus: grpcStatus)))
    }

    package func fail(_ error: ClientError) {
        guard !isDone else { return }
        isDone = true
        report(.failure(error))
    }
}
