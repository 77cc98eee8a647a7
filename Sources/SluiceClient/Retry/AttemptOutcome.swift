/// How one attempt of a call ended, in terms every backend protocol shares, so that retry conditions, the
/// retry budget, outlier detection and balancers read one value whatever carried the call.
public enum AttemptOutcome: Sendable, Hashable {
    case success
    case failure(AttemptFailure)
}

/// A failed attempt: what went wrong and whether the backend may have seen the request.
public struct AttemptFailure: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// No connection could be made (refused, unreachable, connect timeout); nothing was written.
        case connectFailure
        /// The connection closed or was reset after the attempt started.
        case reset
        /// The attempt's own timeout or the call's overall one fired.
        case timeout
        /// No endpoint to send to, or the endpoint refused the call before handling it.
        case unavailable
        /// The backend answered with a declared exception of this IDL name.
        case exception(String)
        /// The backend answered with this non-OK gRPC status code (1...16).
        case grpc(Int)
        /// The backend answered with this HTTP status.
        case http(Int)
        /// Anything else: a reply that could not be read, a local failure.
        case other
    }

    public var kind: Kind
    /// Whether any byte of the request may have reached the backend: a non-idempotent call is retried only
    /// when this is false.
    public var requestWritten: Bool

    public init(_ kind: Kind, requestWritten: Bool) {
        self.kind = kind
        self.requestWritten = requestWritten
    }

    /// Whether this failure says something about the endpoint, for outlier detection: transport failures,
    /// unreadable replies, HTTP 5xx and the gRPC codes the gateway's guard counts as failures (UNKNOWN,
    /// DEADLINE_EXCEEDED, INTERNAL, UNAVAILABLE, DATA_LOSS; not UNIMPLEMENTED, which every endpoint of a
    /// deployment answers alike). A declared exception is the service's answer, not the endpoint's failure.
    public var isEndpointFailure: Bool {
        switch kind {
        case .connectFailure, .reset, .timeout, .unavailable, .other: true
        case .exception: false
        case .grpc(let code): [2, 4, 13, 14, 15].contains(code)
        case .http(let status): (500...599).contains(status)
        }
    }
}

extension AttemptFailure {
    /// The outcome a ``ClientError`` stands for; nil for `.cancelled` and `.shutdown`, which say nothing of the
    /// endpoint and must be neither retried nor counted.
    ///
    /// `requestWritten` is what the caller knows; it defaults to true because today's errors do not record it
    /// and assuming "written" never retries a non-idempotent call twice. Connect failures and `.noEndpoints`
    /// are unwritten whatever is passed.
    public init?(_ error: ClientError.Kind, requestWritten: Bool = true) {
        switch error {
        case .noEndpoints: self.init(.unavailable, requestWritten: false)
        case .connectFailed, .connectTimeout: self.init(.connectFailure, requestWritten: false)
        case .requestTimeout: self.init(.timeout, requestWritten: requestWritten)
        case .connectionClosed: self.init(.reset, requestWritten: requestWritten)
        case .protocolError: self.init(.other, requestWritten: requestWritten)
        case .shutdown, .cancelled: return nil
        }
    }
}
