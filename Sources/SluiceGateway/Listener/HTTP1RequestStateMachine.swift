internal import NIOCore
internal import NIOHTTP1

/// The request side of one HTTP/1.1 connection as a pure value: collects a request's body up to a limit and
/// says when to dispatch it, when to refuse it with 413, and when the connection must close.
///
/// `HTTPServerPipelineHandler` (pipelining assistance) holds back the next request until the response to
/// the current one has been written, so one request at a time is ever in flight here, and responses go out
/// in request order.
struct HTTP1RequestStateMachine {
    enum State {
        /// Waiting for a request head.
        case idle
        /// Collecting the body of `head`.
        case receiving(head: HTTPRequestHead, body: ByteBuffer?)
        /// The request was dispatched; waiting for the responder.
        case responding(keepAlive: Bool)
        /// 413 was sent; the rest of the request is dropped and the connection closes.
        case refused
    }

    enum Action {
        case none
        /// Dispatch the complete request.
        case dispatch(head: HTTPRequestHead, body: ByteBuffer?)
        /// Answer `100 Continue` (RFC 9110 §10.1.1) so a client waiting on `Expect: 100-continue` sends its body
        /// now instead of after its own timeout (curl waits 1 s).
        case sendContinue
        /// Answer 413 and close the connection.
        case refuseTooLarge
        /// A request part arrived out of order: our bug or the pipeline's, never the peer's (NIOHTTP1 parses
        /// the peer's bytes). Close rather than guess.
        case close
    }

    private(set) var state: State = .idle
    let maxBodySize: Int

    init(maxBodySize: Int) { self.maxBodySize = maxBodySize }

    mutating func receivedHead(_ head: HTTPRequestHead) -> Action {
        switch state {
        case .idle: break
        case .refused: return .none  // a pipelined request behind a refused one; the connection is closing
        case .receiving, .responding:
            assertionFailure("a request head arrived while \(state); HTTPServerPipelineHandler must prevent this")
            return .close
        }
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > maxBodySize {
            state = .refused
            return .refuseTooLarge
        }
        state = .receiving(head: head, body: nil)
        // Most requests carry no `Expect`; look for the name before collecting its values.
        guard head.headers.contains(name: "expect") else { return .none }
        let expectsContinue = head.headers["expect"].contains { $0.lowercased() == "100-continue" }
        let atLeast11 = head.version.major > 1 || (head.version.major == 1 && head.version.minor >= 1)
        return expectsContinue && atLeast11 ? .sendContinue : .none
    }

    mutating func receivedBody(_ chunk: ByteBuffer) -> Action {
        switch state {
        case .receiving(let head, var body):
            // Drop our reference while appending so the buffer is uniquely referenced (no copy-on-write).
            state = .refused
            let total = (body?.readableBytes ?? 0) + chunk.readableBytes
            guard total <= maxBodySize else { return .refuseTooLarge }
            switch body {
            case .none:
                body = chunk
            case .some(var collected):
                body = nil
                var chunk = chunk
                collected.writeBuffer(&chunk)
                body = collected
            }
            state = .receiving(head: head, body: body)
            return .none
        case .refused:
            return .none
        case .idle, .responding:
            assertionFailure("body data arrived while \(state)")
            return .close
        }
    }

    mutating func receivedEnd() -> Action {
        switch state {
        case .receiving(let head, let body):
            state = .responding(keepAlive: head.isKeepAlive)
            return .dispatch(head: head, body: body)
        case .refused:
            return .none
        case .idle, .responding:
            assertionFailure("request end arrived while \(state)")
            return .close
        }
    }

    /// The response to the dispatched request was written; `true` when the connection stays open.
    mutating func responseWritten() -> Bool {
        switch state {
        case .responding(let keepAlive):
            state = .idle
            return keepAlive
        case .refused, .idle, .receiving:
            return false
        }
    }
}
