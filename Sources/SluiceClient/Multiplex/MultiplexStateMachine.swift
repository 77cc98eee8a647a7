/// The requests in flight on one connection, matched to replies by seq id.
///
/// A pure value: the connection handler feeds it events and performs the actions it returns. `Request` is
/// whatever the owner needs to complete a call (a promise and its timer); tests use plain values.
///
/// Seq ids are unique per connection and never reused while in flight: allocation counts up from 1, wraps from
/// `Int32.max` back to 1, and skips any id still waiting for its reply.
struct MultiplexStateMachine<Request> {
    private enum State {
        case open(inFlight: [Int32: Request])
        case closed(ClientError)
        /// Placeholder while a `switch` mutates the dictionary in place (avoids a copy-on-write).
        case modifying
    }

    private var state: State = .open(inFlight: [:])
    private var nextSequenceID: Int32 = 1

    init() {}

    /// Starts at a given seq id with requests already in flight, so tests can exercise the wrap-around and the
    /// skipping of busy ids without 2^31 requests.
    init(firstSequenceID: Int32, inFlight: [Int32: Request] = [:]) {
        self.nextSequenceID = firstSequenceID
        self.state = .open(inFlight: inFlight)
    }

    enum SendAction {
        /// Write the request with this seq id.
        case write(sequenceID: Int32)
        /// The connection is gone; the request was not written.
        case fail(ClientError)
    }

    /// A request is ready to go. With `expectsReply: false` (oneway) an id is issued but nothing is tracked.
    mutating func send(_ request: Request, expectsReply: Bool = true) -> SendAction {
        switch state {
        case .open(var inFlight):
            state = .modifying
            var id = nextSequenceID
            while inFlight[id] != nil { id = Self.successor(of: id) }
            nextSequenceID = Self.successor(of: id)
            if expectsReply { inFlight[id] = request }
            state = .open(inFlight: inFlight)
            return .write(sequenceID: id)
        case .closed(let error):
            return .fail(error)
        case .modifying:
            preconditionFailure("MultiplexStateMachine re-entered while modifying")
        }
    }

    private static func successor(of id: Int32) -> Int32 {
        id == Int32.max ? 1 : id + 1
    }

    /// The request waiting under `sequenceID`, if any.
    func inFlight(_ sequenceID: Int32) -> Request? {
        guard case .open(let inFlight) = state else { return nil }
        return inFlight[sequenceID]
    }

    enum CompletionAction {
        /// Complete this request.
        case complete(Request)
        /// Nothing waits for this id any more (it timed out, or the peer sent a bogus id): drop the message.
        case drop
    }

    /// A reply (or exception) arrived.
    mutating func replyReceived(sequenceID: Int32) -> CompletionAction {
        remove(sequenceID)
    }

    /// A request's deadline passed.
    mutating func timedOut(sequenceID: Int32) -> CompletionAction {
        remove(sequenceID)
    }

    private mutating func remove(_ sequenceID: Int32) -> CompletionAction {
        guard case .open(var inFlight) = state else { return .drop }
        state = .modifying
        let request = inFlight.removeValue(forKey: sequenceID)
        state = .open(inFlight: inFlight)
        return request.map { .complete($0) } ?? .drop
    }

    /// The connection closed or failed: every request in flight fails with `error`, and so does every later send.
    /// Returns the requests to fail (empty when already closed).
    mutating func closed(_ error: ClientError) -> [Request] {
        guard case .open(let inFlight) = state else { return [] }
        state = .closed(error)
        return Array(inFlight.values)
    }

    var inFlightCount: Int {
        if case .open(let inFlight) = state { return inFlight.count }
        return 0
    }
}
